// 联系房东: the first message to a house's host starts (or reuses) the conversation, then opens the thread.
(function () {
  "use strict";

  var form = document.getElementById("contact-form");
  if (!form) return;
  var button = document.getElementById("contact-send");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = form.querySelector("textarea").value.trim();
    if (!text) return;
    ihome.busy(button, true);
    ihome.api("POST", "/houses/" + form.dataset.houseId + "/conversation", { text: text }).then(function (data) {
      window.location.assign("/my/messages/" + data.conversation_id);
    }).catch(function (error) {
      ihome.busy(button, false);
      ihome.showErrors(form, error);
    });
  });
})();
