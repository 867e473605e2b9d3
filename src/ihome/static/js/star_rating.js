// Star rating inputs: every [data-star-rating] is a radio group of star buttons (role radio) that writes the
// chosen value into the hidden input of its field (name="rating"). Like native radios it is one tab stop
// (the checked star, or the first); arrows move and choose (wrapping), Home/End go to 1 and 5 stars,
// Space/Enter or a click choose. The stars up to the chosen one are lit (class "on").
(function () {
  "use strict";

  function stars(group) { return Array.prototype.slice.call(group.querySelectorAll("[role=radio]")); }

  function choose(group, star, focus) {
    var rating = parseInt(star.dataset.rating, 10);
    var field = group.closest(".field") || group.parentNode;
    var input = field.querySelector('input[type=hidden]');
    if (input) input.value = rating;
    stars(group).forEach(function (other) {
      var value = parseInt(other.dataset.rating, 10);
      other.classList.toggle("on", value <= rating);
      other.setAttribute("aria-checked", value === rating ? "true" : "false");
      other.tabIndex = value === rating ? 0 : -1;
    });
    if (focus) star.focus();
    if (window.ihome && group.hasAttribute("aria-invalid")) window.ihome.fieldError(group, "");
  }

  function enhance(group) {
    group.addEventListener("click", function (event) {
      var star = event.target.closest("[role=radio]");
      if (star) choose(group, star, true);
    });
    group.addEventListener("keydown", function (event) {
      var all = stars(group);
      var index = all.indexOf(event.target.closest("[role=radio]"));
      if (index < 0) return;
      var target = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1,
                     Home: 0, End: all.length - 1 }[event.key];
      if (target === undefined) return;  // Space and Enter click the button
      event.preventDefault();
      choose(group, all[(target + all.length) % all.length], true);
    });
  }

  document.querySelectorAll("[data-star-rating]").forEach(enhance);
})();
