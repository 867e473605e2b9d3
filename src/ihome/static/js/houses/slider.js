// A swipeable slideshow without a library: the track scrolls horizontally with CSS scroll-snap (so a
// finger swipe is the browser's own), and this script adds auto-advance, dots and a counter.
(function () {
  "use strict";

  // track: the scrolling element whose children are the slides.
  // options: {interval: ms between auto-advances (0 = none), onChange: function (index, count)}
  window.ihomeSlider = function (track, options) {
    options = options || {};
    var slides = track.children;
    var count = slides.length;
    var current = 0;
    var timer = null;

    function indexNow() {
      return Math.round(track.scrollLeft / Math.max(1, track.clientWidth));
    }

    function go(index) {
      current = (index + count) % count;
      track.scrollTo({ left: current * track.clientWidth, behavior: "smooth" });
    }

    function schedule() {
      if (timer) window.clearInterval(timer);
      if (options.interval && count > 1) timer = window.setInterval(function () { go(current + 1); }, options.interval);
    }

    var pending = null;
    track.addEventListener("scroll", function () {
      if (pending) window.clearTimeout(pending);
      pending = window.setTimeout(function () {
        var index = indexNow();
        if (index !== current) { current = index; }
        if (options.onChange) options.onChange(current, count);
      }, 80);
    }, { passive: true });

    // a user's touch stops the auto-advance for a while; it resumes after
    ["touchstart", "pointerdown", "wheel"].forEach(function (name) {
      track.addEventListener(name, function () { schedule(); }, { passive: true });
    });
    document.addEventListener("visibilitychange", function () {
      if (document.hidden && timer) { window.clearInterval(timer); timer = null; } else if (!document.hidden) { schedule(); }
    });
    schedule();
    if (options.onChange) options.onChange(0, count);
    return { go: function (index) { go(index); schedule(); }, count: count };
  };
})();
