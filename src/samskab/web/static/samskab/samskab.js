/* Samskab's only script of its own; every page works without it.
   After a failed submit the error summary carries `autofocus`; browsers that do not honour
   autofocus on a non-control get focus moved here, so screen readers read the errors first. */
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
});
