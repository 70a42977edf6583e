// The score sheet's live total: the sum of the criteria typed so far plus the bonus, capped at
// the sheet's maximum, and the stars of the band it falls in. The page works without it (the
// server computes the same total once the sheet is posted); this only saves a round trip.
(function () {
  const form = document.querySelector("form.score-sheet");
  if (!form) return;
  const bands = form.dataset.bands.split(" ").map((pair) => pair.split(":").map(Number));
  const maximum = Number(form.dataset.maximum);
  const total = document.getElementById("total");
  const stars = document.getElementById("stars");
  function value(input) {
    const text = input.value.trim().replace(",", ".");
    if (text === "") return null;
    const number = Number(text);
    return Number.isFinite(number) && number >= 0 && number <= Number(input.dataset.maximum) ? number : NaN;
  }
  function update() {
    let sum = 0;
    let complete = true;
    for (const input of form.querySelectorAll("input.score")) {
      const points = value(input);
      input.classList.toggle("out-of-range", Number.isNaN(points));
      if (input.id === "bonus" && points === null) continue;
      if (points === null || Number.isNaN(points)) { complete = false; continue; }
      sum += points;
    }
    sum = Math.min(maximum, Math.round(sum * 1e6) / 1e6);
    total.textContent = String(sum);
    const band = bands.find(([minimum]) => sum >= minimum);
    stars.textContent = complete && band ? "★".repeat(band[1]) : "—";
  }
  form.addEventListener("input", update);
  update();
})();
