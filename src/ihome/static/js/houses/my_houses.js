// My homes: publish or unpublish each home (PUT /houses/<id>/publication); the state and the button
// follow what the server answered.
(function () {
  "use strict";

  var list = document.getElementById("my-houses");
  if (!list) return;
  var text = list.dataset;

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button.publish-toggle");
    if (!button) return;
    var id = button.dataset.houseId, wanted = button.dataset.published !== "true";
    window.ihome.busy(button, true);
    window.ihome.api("PUT", "/houses/" + id + "/publication", { published: wanted }).then(function (data) {
      var state = document.getElementById("publish-state-" + id);
      button.dataset.published = data.published ? "true" : "false";
      button.textContent = data.published ? text.unpublish : text.publish;
      state.textContent = data.published ? text.published : text.unpublished;
      state.classList.toggle("off", !data.published);
      window.ihome.flash(data.published ? text.doneOn : text.doneOff, false);
    }, function (error) {
      window.ihome.flash(error.message, true);
    }).then(function () { window.ihome.busy(button, false); button.focus(); });
  });
})();
