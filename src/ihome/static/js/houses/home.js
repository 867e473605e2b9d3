// Home page: the slideshow of top homes, and the search form's date check.
(function () {
  "use strict";

  var track = document.getElementById("slides");
  if (track && window.ihomeSlider) {
    var dots = document.querySelectorAll("#slide-dots .dot");
    var slider = window.ihomeSlider(track, {
      interval: 4000,
      pauseButton: document.getElementById("slide-pause"),
      onChange: function (index) {
        dots.forEach(function (dot, i) {
          dot.classList.toggle("active", i === index);
          if (i === index) dot.setAttribute("aria-current", "true"); else dot.removeAttribute("aria-current");
        });
      },
    });
    dots.forEach(function (dot) {
      dot.addEventListener("click", function () { slider.go(Number(dot.dataset.index)); });
    });
  }

  var form = document.getElementById("home-search");
  if (!form) return;
  var sd = form.elements.sd, ed = form.elements.ed, error = document.getElementById("home-date-error");
  sd.addEventListener("change", function () {
    if (!sd.value) return;
    var next = new Date(sd.value + "T00:00:00Z");
    next.setUTCDate(next.getUTCDate() + 1);
    ed.min = next.toISOString().slice(0, 10);
    if (!ed.value || ed.value <= sd.value) ed.value = ed.min;
  });
  form.addEventListener("submit", function (event) {
    window.ihome.fieldError(ed, "", error);
    if (sd.value && ed.value && ed.value <= sd.value) {
      event.preventDefault();
      window.ihome.fieldError(ed, form.dataset.badDates, error);
      ed.focus();
      return;
    }
    // an empty field would send "aid=" or "sd=": leave it out of the URL instead
    [form.elements.aid, sd, ed].forEach(function (input) { input.disabled = !input.value; });
    window.setTimeout(function () { [form.elements.aid, sd, ed].forEach(function (i) { i.disabled = false; }); }, 0);
  });
})();
