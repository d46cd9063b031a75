/* Phones: the header's links and the main navigation fold behind the Menu button, so a page's
   content comes first. Without JavaScript everything stays visible (the button stays hidden).
   List filters (form.filters) fold behind a disclosure on phones. */
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
  // Phones: each list's filter form folds into a disclosure (<details>), so the list comes
  // first. The summary's words come from <body data-filter-label>; errors keep it open.
  if (narrow.matches) {
    var label = document.body.getAttribute("data-filter-label") || "Filter";
    document.querySelectorAll("form.filters").forEach(function (form) {
      if (form.closest("details")) { return; }
      var details = document.createElement("details");
      details.className = "filter-disclosure";
      var summary = document.createElement("summary");
      summary.textContent = label;
      details.appendChild(summary);
      form.parentNode.insertBefore(details, form);
      details.appendChild(form);
      details.open = Boolean(form.querySelector("[aria-invalid='true'], .form-field--error"));
    });
  }
})();
