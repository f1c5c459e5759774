// Makes the search for a person (auth/_people_search.html) live: as the secretariat types, the
// page is fetched with the text typed and its list of people found is swapped in. Without
// this script the Search button does the same by loading the page.
(function () {
  "use strict";
  var form = document.querySelector("form[data-people-search]");
  var results = document.getElementById("people-results");
  if (!form || !results || !window.fetch || !window.DOMParser || !window.URLSearchParams) {
    return;
  }
  var input = form.querySelector("input[name=q]");
  var timer = null;
  var latest = 0;

  function search() {
    var text = input.value.trim();
    var url = form.getAttribute("action") + (text ? "?" + new URLSearchParams({ q: text }) : "");
    var asked = ++latest;
    fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        if (asked !== latest) {
          return; // a later search has been asked for meanwhile
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("people-results");
        if (fresh) {
          results.innerHTML = fresh.innerHTML;
          window.history.replaceState(null, "", url);
        }
      })
      .catch(function () {
        // The Search button still works.
      });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    if (input.value.trim().length === 1) {
      return; // one letter finds too many
    }
    timer = window.setTimeout(search, 300);
  });
})();
