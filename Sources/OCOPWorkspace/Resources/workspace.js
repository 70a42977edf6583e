// Small conveniences for every page; each page works without them.
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
