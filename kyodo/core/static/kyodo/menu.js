/* Phones: the header's links and the main navigation fold behind the Menu button, so a page's
   content comes first. Without JavaScript everything stays visible (the button stays hidden).
   List filters inside <details class="filter-disclosure" open> start folded on phones. */
(function () {
  "use strict";
  var narrow = window.matchMedia("(max-width: 47.99rem)");
  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-button");
  if (header && button) {
    button.hidden = false;
    header.classList.add("site-header--folded");
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      button.setAttribute("aria-expanded", open ? "false" : "true");
      header.classList.toggle("site-header--folded", open);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        button.setAttribute("aria-expanded", "false");
        header.classList.add("site-header--folded");
        button.focus();
      }
    });
  }
  if (narrow.matches) {
    document.querySelectorAll("details.filter-disclosure[data-fold-on-phone]").forEach(function (d) {
      if (!d.querySelector("[aria-invalid='true']")) { d.open = false; }
    });
  }
})();
