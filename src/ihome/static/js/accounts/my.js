// /my: log out (DELETE /session destroys the server-side session), then the home page.
(function () {
  "use strict";
  var button = document.getElementById("logout");
  button.addEventListener("click", function () {
    ihome.busy(button, true);
    ihome.api("DELETE", "/session").then(function () {
      window.location.assign("/");
    }).catch(function (error) {
      ihome.busy(button, false);
      ihome.flash(error.message, true);
    });
  });
})();
