// Back office lists: every action button asks for confirmation and a reason, then calls the JSON API.
(function () {
  "use strict";

  var dialog = document.getElementById("admin-confirm");
  if (!dialog) return;
  var form = document.getElementById("admin-confirm-form");
  var reason = document.getElementById("admin-confirm-reason");
  var error = document.getElementById("admin-confirm-error");
  var current = null;

  function open(button) {
    current = button;
    document.getElementById("admin-confirm-title").textContent = button.dataset.title;
    document.getElementById("admin-confirm-target").textContent = button.dataset.target || "";
    reason.value = "";
    reason.required = button.dataset.reasonRequired === "true";
    window.ihome.fieldError(reason, "");
    if (typeof dialog.showModal === "function") dialog.showModal(); else dialog.setAttribute("open", "");
    reason.focus();
  }

  function close() {
    if (typeof dialog.close === "function") dialog.close(); else dialog.removeAttribute("open");
    current = null;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button.admin-action");
    if (button) open(button);
  });
  document.getElementById("admin-confirm-cancel").addEventListener("click", close);

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!current) return;
    var text = reason.value.trim();
    if (reason.required && !text) {
      window.ihome.fieldError(reason, reason.validationMessage || "!");
      reason.focus();
      return;
    }
    var body = JSON.parse(current.dataset.body || "{}");
    if (text) body.reason = text;
    var ok = document.getElementById("admin-confirm-ok");
    window.ihome.busy(ok, true);
    window.ihome.api(current.dataset.method, current.dataset.path, body).then(function () {
      window.ihome.busy(ok, false);
      close();
      window.location.reload();
    }, function (failure) {
      window.ihome.busy(ok, false);
      var messages = failure.fields && failure.fields.reason;
      if (messages) window.ihome.fieldError(reason, messages.join(" "));
      else error.textContent = failure.message;
    });
  });
})();
