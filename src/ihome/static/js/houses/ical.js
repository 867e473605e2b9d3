// The calendar sync page: copy the export address, make a new one, add and remove other sites' calendars.
// Every change goes through the JSON API (window.ihome.api); the page reloads to show the new state.
(function () {
  "use strict";

  var page = document.getElementById("ical-page");
  if (!page || !window.ihome) return;
  var houseId = page.dataset.houseId;
  var base = "/houses/" + houseId + "/ical";

  function fail(error) { ihome.flash(error.message, true); }

  var copy = document.getElementById("copy-export");
  var field = document.getElementById("export-url");
  copy.addEventListener("click", function () {
    field.select();
    var done = function () { ihome.flash(page.dataset.copied, false); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });

  var rotate = document.getElementById("rotate-export");
  rotate.addEventListener("click", function () {
    if (!window.confirm(page.dataset.confirmRotate)) return;
    ihome.busy(rotate, true);
    ihome.api("POST", base + "/token").then(function (data) {
      field.value = data.export_url;
      ihome.flash(page.dataset.rotated, false);
    }).catch(fail).then(function () { ihome.busy(rotate, false); });
  });

  document.querySelectorAll(".delete-import").forEach(function (button) {
    button.addEventListener("click", function () {
      if (!window.confirm(page.dataset.confirmDelete)) return;
      ihome.busy(button, true);
      ihome.api("DELETE", base + "/imports/" + button.dataset.importId).then(function () {
        ihome.flash(page.dataset.deleted, false);
        ihome.reloadSoon();
      }).catch(function (error) { fail(error); ihome.busy(button, false); });
    });
  });

  var form = document.getElementById("add-import");
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type="submit"]');
      ihome.busy(button, true);
      ihome.api("POST", base + "/imports", { url: form.elements.url.value }).then(function () {
        ihome.flash(page.dataset.added, false);
        ihome.reloadSoon();
      }).catch(function (error) { ihome.showErrors(form, error); ihome.busy(button, false); });
    });
  }
})();
