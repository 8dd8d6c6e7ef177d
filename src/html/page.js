(function () {
  "use strict";
  // The filter box: hide the rows of the tables that do not contain what is typed.
  var box = document.getElementById("filter");
  var count = document.getElementById("filter-count");
  function filter() {
    var q = box.value.trim().toLowerCase(), shown = 0, total = 0;
    document.querySelectorAll("table.filterable tbody tr").forEach(function (tr) {
      var hit = !q || tr.textContent.toLowerCase().indexOf(q) >= 0;
      tr.hidden = !hit;
      total += 1;
      if (hit) { shown += 1; }
    });
    if (count) { count.textContent = q ? shown + " of " + total + " rows match" : total + " rows"; }
  }
  if (box) { box.addEventListener("input", filter); filter(); }
  // A link to a review (or to a mention in it) opens its panel.
  function openTarget() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (!el) { return; }
    var d = el.closest("details");
    if (d && !d.open) { d.open = true; el.scrollIntoView(); }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  // Open or close every review.
  document.querySelectorAll("button.toggle").forEach(function (b) {
    b.addEventListener("click", function () {
      var open = b.getAttribute("data-open") === "1";
      document.querySelectorAll("details.review").forEach(function (d) { d.open = open; });
    });
  });
})();
