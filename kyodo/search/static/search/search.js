/* Name suggestions for the search box (progressive enhancement: without this file the
   form works the same). Fills a <datalist> from search:suggest as the person types. */
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var forms = document.querySelectorAll("form[data-suggest-url]");
  for (var i = 0; i < forms.length; i++) { enhance(forms[i], i); }

  function enhance(form, index) {
  var input = form.querySelector("input[name=q]");
  if (!input) { return; }
  var list = document.createElement("datalist");
  list.id = index === 0 ? "search-suggestions" : "search-suggestions-" + index;
  form.appendChild(list);
  input.setAttribute("list", list.id);
  var timer = null;
  var last = "";
  var controller = null;

  function update(items) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.title;          // text only: never parsed as HTML
      option.label = item.type_label;
      list.appendChild(option);
    });
  }

  function fetchSuggestions() {
    var value = input.value.trim();
    if (value === last) { return; }
    last = value;
    if (!value) { update([]); return; }
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    var url = form.getAttribute("data-suggest-url") + "?q=" + encodeURIComponent(value);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin", signal: controller ? controller.signal : undefined })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) { if (input.value.trim() === value) { update(data.results || []); } })
      .catch(function () { /* offline or aborted: keep the plain search box */ });
  }

  input.addEventListener("input", function () {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(fetchSuggestions, 150);
  });
  }
}());
