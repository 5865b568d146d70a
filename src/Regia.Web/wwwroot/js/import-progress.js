// Import progress: polls the job's status while it runs and reloads the page when it ends. Without JavaScript the
// page offers a link to refresh it. No inline script (the Content-Security-Policy forbids it).
(function () {
  const box = document.getElementById("import-status");
  if (!box || box.dataset.active !== "true") {
    return;
  }
  const bar = document.getElementById("import-progress");
  const url = box.dataset.statusUrl;
  async function poll() {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (response.ok) {
        const status = await response.json();
        const percent = Math.round((status.fraction || 0) * 100);
        bar.value = percent;
        bar.textContent = percent + " %";
        if (status.state !== "queued" && status.state !== "running") {
          window.location.reload();
          return;
        }
      }
    } catch (e) {
      // A missed poll is retried.
    }
    window.setTimeout(poll, 1000);
  }
  window.setTimeout(poll, 500);
})();
