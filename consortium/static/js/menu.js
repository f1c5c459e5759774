// The main menu's groups are <details> disclosures that work without this file. It adds what a
// dropdown is expected to do: Escape closes the open group (or the phone's "Menu") and puts the
// focus back on its name; a click or the focus moving elsewhere closes an open group.
(function () {
  "use strict";
  var nav = document.querySelector(".site-nav");
  if (!nav) {
    return;
  }

  function openGroups() {
    return Array.prototype.slice.call(nav.querySelectorAll(".menu-group details[open]"));
  }

  function closeAll(except) {
    openGroups().forEach(function (group) {
      if (group !== except) {
        group.open = false;
      }
    });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") {
      return;
    }
    var inside = event.target.closest && event.target.closest(".site-nav details[open]");
    var group = inside || openGroups()[0];
    if (!group) {
      return;
    }
    group.open = false;
    group.querySelector("summary").focus();
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    var group = event.target.closest && event.target.closest(".menu-group details");
    closeAll(group);
  });

  // Only where the groups open as panels over the page: on a phone they open in place.
  var wide = window.matchMedia("(min-width: 40.0625rem)");
  nav.addEventListener("focusout", function (event) {
    if (!wide.matches) {
      return;
    }
    var next = event.relatedTarget;
    openGroups().forEach(function (group) {
      if (!next || !group.contains(next)) {
        group.open = false;
      }
    });
  });
})();
