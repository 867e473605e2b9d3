// Starts Swagger UI on /docs with the app's own OpenAPI document (no CDN, no inline script).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    // deep links put a link inside each operation's toggle button: controls nested in controls, which
    // screen readers cannot operate (axe: nested-interactive)
    deepLinking: false,
    onComplete: function () {
      var servers = document.getElementById("servers");  // Swagger UI's label holds no text
      if (servers) servers.setAttribute("aria-label", "Servers");
    },
  });
})();
