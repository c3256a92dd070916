/* Samskab's only script of its own; every page works without it.
   After a failed submit the error summary carries `autofocus`; browsers that do not honour
   autofocus on a non-control get focus moved here, so screen readers read the errors first.
   Wide tables scroll sideways in a region that keyboard users must be able to focus: templates
   give it tabindex="0"; this covers one that forgot. */
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector("[data-error-summary]");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
  document.querySelectorAll(".table--responsive-scroll:not([tabindex])").forEach(function (region) {
    region.tabIndex = 0;
  });
});
