"""Voice, as rules: calls and their statuses (calls), what a simulated phone does on a call (script), and
the audio files of recordings (audio)."""
