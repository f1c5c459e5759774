// Keeps a part of a page that shows work in progress (an element with an id and
// data-refresh-seconds) up to date: it fetches the page again every few seconds and swaps the
// part in, and reloads the whole page once the work is finished (the part is gone).
(function () {
  "use strict";
  var part = document.querySelector("[data-refresh-seconds][id]");
  if (!part || !window.fetch || !window.DOMParser) {
    return;
  }
  var delay = (parseFloat(part.getAttribute("data-refresh-seconds")) || 2) * 1000;

  function poll() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : Promise.reject(response.status);
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById(part.id);
        if (fresh && fresh.hasAttribute("data-refresh-seconds")) {
          part.replaceWith(fresh);
          part = fresh;
          window.setTimeout(poll, delay);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(poll, delay * 2);
      });
  }

  window.setTimeout(poll, delay);
})();
