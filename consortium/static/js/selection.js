// On a list with checkboxes (a form with the class "selection"), turns the "Select all shown"
// link into a checkbox in the first column's header that checks or clears every row shown.
// Without this script the link reloads the page with every row checked.
(function () {
  "use strict";
  var form = document.querySelector("form.selection");
  if (!form) {
    return;
  }
  var header = form.querySelector("th.select-column");
  var boxes = form.querySelectorAll("tbody input[type=checkbox]");
  if (!header || !boxes.length) {
    return;
  }
  var link = form.querySelector("[data-select-all]");
  var toggle = document.createElement("input");
  toggle.type = "checkbox";
  toggle.id = "select-all-shown";
  var label = document.createElement("label");
  label.htmlFor = toggle.id;
  label.className = "visually-hidden";
  label.textContent = link ? link.textContent : header.textContent;
  header.textContent = "";
  header.appendChild(toggle);
  header.appendChild(label);

  function refresh() {
    var checked = 0;
    boxes.forEach(function (box) {
      if (box.checked) {
        checked += 1;
      }
    });
    toggle.checked = checked === boxes.length;
    toggle.indeterminate = checked > 0 && checked < boxes.length;
  }

  toggle.addEventListener("change", function () {
    boxes.forEach(function (box) {
      box.checked = toggle.checked;
    });
  });
  boxes.forEach(function (box) {
    box.addEventListener("change", refresh);
  });
  refresh();
})();
