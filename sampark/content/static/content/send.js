/* The send page (content/pages/send.html); a file, not inline, for the CSP (issue #12). */
// A ticked search result moves to the chosen list, so the next search does not lose it.
document.addEventListener("change", function (e) {
  var box = e.target;
  if (box.name === "targets" && box.closest("#unit-results")) {
    document.getElementById("chosen").append(box.closest("label"), " ");
  }
});
