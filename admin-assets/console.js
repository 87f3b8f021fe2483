/*
 * agora admin console: optional progressive enhancement. Every page works
 * without it. A "select all" box for bulk actions.
 */
document.addEventListener("DOMContentLoaded", function () {
	document.querySelectorAll("input[data-select-all]").forEach(function (all) {
		all.addEventListener("change", function () {
			var name = all.getAttribute("data-select-all");
			document.querySelectorAll("input[type=checkbox][name='" +
			    name + "']").forEach(function (b) {
				b.checked = all.checked;
			});
		});
	});
});
