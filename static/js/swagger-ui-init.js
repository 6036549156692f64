/* Starts Swagger UI on the API documentation page (templates/api/swagger_ui.html).
 *
 * A static file rather than drf-spectacular's inline script, so that the Content-Security-Policy
 * allows no inline code. The page passes what the script needs as data- attributes of
 * #swagger-ui: the schema's address, Swagger UI's settings (SPECTACULAR_SETTINGS
 * "SWAGGER_UI_SETTINGS", as JSON) and the CSRF header and token that "Try it out" sends with
 * requests that change data (the API also accepts the browser's session). */
"use strict";

(function () {
  const element = document.getElementById("swagger-ui");
  const data = element.dataset;

  const requestInterceptor = (request) => {
    if (!["GET", undefined].includes(request.method) && request.credentials === "same-origin") {
      request.headers[data.csrfHeader] = data.csrfToken;
    }
    return request;
  };

  window.ui = SwaggerUIBundle({
    url: data.schemaUrl,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor,
    ...JSON.parse(data.settings || "{}"),
  });
})();
