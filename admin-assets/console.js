/*
 * agora admin console: optional progressive enhancement. Every page works
 * without it. A "select all" box for bulk actions; times shown in the
 * reader's time zone (the server writes UTC in <time datetime>, which
 * stays on hover).
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
	document.querySelectorAll("time[datetime]").forEach(function (t) {
		var d = new Date(t.getAttribute("datetime"));
		if (isNaN(d.getTime()))
			return;
		t.setAttribute("title", t.textContent);
		t.textContent = d.toLocaleString(undefined, {
			year: "numeric", month: "short", day: "numeric",
			hour: "2-digit", minute: "2-digit", hour12: false,
			timeZoneName: "short" });
		t.classList.add("local");
	});
});
