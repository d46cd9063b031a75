/* Start Swagger UI (shipped by django-ninja) on the API docs page. Progressive
   enhancement: the page lists every endpoint without JavaScript. No inline script,
   so the site's strict Content-Security-Policy applies unchanged. */
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  var csrfToken = node.getAttribute("data-csrf-token");
  window.SwaggerUIBundle({
    url: node.getAttribute("data-openapi-url"),
    domNode: node,
    deepLinking: false,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (req) {
      var method = (req.method || "GET").toUpperCase();
      if (csrfToken && ["GET", "HEAD", "OPTIONS"].indexOf(method) === -1) {
        req.headers["X-CSRFToken"] = csrfToken;
      }
      return req;
    }
  });
})();
