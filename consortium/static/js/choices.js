// Shows only the fields that apply to a choice made in a form. A part of the form marked
// data-shown-by="<id of a select>" and data-shown-for="<values, space-separated>" is shown
// while the select has one of those values, and hidden otherwise; its fields are disabled
// while hidden, so that they are not sent. Without this script every part shows, each under a
// heading naming the choice it belongs to, and the server ignores the parts that do not apply.
(function () {
  "use strict";
  var parts = document.querySelectorAll("[data-shown-by][data-shown-for]");
  if (!parts.length) {
    return;
  }

  function update() {
    Array.prototype.forEach.call(parts, function (part) {
      var select = document.getElementById(part.getAttribute("data-shown-by"));
      if (!select) {
        return;
      }
      var values = part.getAttribute("data-shown-for").split(/\s+/);
      var shown = values.indexOf(select.value) !== -1 && !select.disabled;
      part.hidden = !shown;
      Array.prototype.forEach.call(
        part.querySelectorAll("input, select, textarea"),
        function (field) {
          field.disabled = !shown;
        }
      );
    });
  }

  var selects = {};
  Array.prototype.forEach.call(parts, function (part) {
    selects[part.getAttribute("data-shown-by")] = true;
  });
  Object.keys(selects).forEach(function (id) {
    var select = document.getElementById(id);
    if (select) {
      select.addEventListener("change", update);
    }
  });
  // Nested parts (a choice inside another choice's part) settle in two passes.
  update();
  update();
})();
