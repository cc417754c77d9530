// Recording upload: play the chosen file before uploading and send its duration along.
(function () {
  "use strict";
  var input = document.getElementById("id_file"), player = document.getElementById("upload-preview");
  if (!input || !player) return;
  input.addEventListener("change", function () {
    var file = input.files[0];
    if (!file) { player.hidden = true; return; }
    player.src = URL.createObjectURL(file);
    player.hidden = false;
    player.addEventListener("loadedmetadata", function () {
      if (isFinite(player.duration)) {
        document.getElementById("id_duration_hint").value = player.duration.toFixed(2);
        document.getElementById("upload-duration").textContent = "Duration: " + player.duration.toFixed(1) + " s";
      }
    }, { once: true });
  });
})();
