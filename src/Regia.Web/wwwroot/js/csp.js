// Loaded before Bootstrap Italia's bundle: its video player would otherwise inject <style> elements at start-up,
// which Regia's Content-Security-Policy (style-src 'self') refuses. Regia shows no video.
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
