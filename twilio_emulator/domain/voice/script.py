"""What a simulated phone does on a call, as rules. Pure.

A phone on a call follows a script: `[{"press": "1"}, {"say": "billing"}, {"wait": 3}, {"record": 5},
{"hangup": true}]`, given with the call (control API) or declared on its handset (`call_script`). Each voice
verb that listens takes the script's next steps:

- `<Gather>` waits up to `timeout` seconds for the first input: a `wait` longer than what is left times out;
  `press` gives its digits (cut at `finishOnKey` and at `numDigits`) when it listens for dtmf; `say` gives its
  words as the speech result when it listens for speech. An input it does not listen for is lost.
- `<Record>` waits up to `timeout` seconds of silence for speech: `record` (seconds of speech) or `say`
  (words, 0.4 s each [emulator choice]) is recorded, up to `maxLength`; then a `press` of `finishOnKey`, a
  `hangup`, or `timeout` seconds of silence ends it.
- A `hangup` ends the call where it stands.

Nothing in a script takes real time: a call's TwiML runs at once and the virtual seconds it took are added up
(`Heard.seconds`), which is how long the call lasts.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

ACTIONS = ("press", "say", "wait", "record", "hangup")
MAX_SCRIPT = 100
MAX_SECONDS = 14400  # Twilio's longest call (4 hours)
SECONDS_PER_WORD = 0.4  # how long a `say` step takes to speak [emulator choice]
DIGITS = re.compile(r"^[0-9*#wW]{1,64}$")
SPEECH_CONFIDENCE = "0.9"  # the Confidence of a recognised `say` [emulator choice: the words are exact]
DEFAULT_TALK = 10.0  # seconds a dialled phone talks before hanging up when its script does not say [emulator choice]


def check_script(script) -> list[dict]:
    """A script as given in JSON: a list of one-action objects. Raises ValueError naming the mistake."""
    if not isinstance(script, list) or len(script) > MAX_SCRIPT:
        raise ValueError(f"script must be a list of at most {MAX_SCRIPT} steps such as {{\"press\": \"1\"}}")
    out = []
    for i, step in enumerate(script):
        if not isinstance(step, dict) or len(step) != 1 or next(iter(step)) not in ACTIONS:
            raise ValueError(f"script[{i}] must be one of {', '.join(f'{{{a!r}: …}}' for a in ACTIONS)}")
        (action, value), = step.items()
        if action == "press" and not (isinstance(value, str) and DIGITS.match(value)):
            raise ValueError(f"script[{i}].press takes keys as a string: 0-9, *, # (and w for a half-second pause)")
        if action == "say" and not (isinstance(value, str) and value.strip()):
            raise ValueError(f"script[{i}].say takes the words the phone says")
        if action in ("wait", "record") and not (isinstance(value, (int, float)) and not isinstance(value, bool)
                                                 and 0 <= value <= MAX_SECONDS):
            raise ValueError(f"script[{i}].{action} takes seconds (0 to {MAX_SECONDS})")
        if action == "hangup" and value is not True:
            raise ValueError(f"script[{i}].hangup takes true")
        out.append({action: value})
    return out


def speaking_time(words: str) -> float:
    return max(1.0, round(len(words.split()) * SECONDS_PER_WORD, 1))


@dataclass
class Gathered:
    """What a <Gather> got: digits or speech, or neither (timed out); `hangup`: the phone hung up instead."""
    seconds: float
    digits: str = ""
    speech: str = ""
    hangup: bool = False

    @property
    def empty(self) -> bool:
        return not self.digits and not self.speech


@dataclass
class Recorded:
    """What a <Record> got: `seconds` of speech (its `words` when said), ended by `digits` (the finishOnKey
    pressed, "hangup", or "" on silence); `waited`: the seconds the verb took in all."""
    seconds: float
    waited: float
    digits: str = ""
    words: str = ""
    hangup: bool = False


@dataclass
class Caller:
    """A phone on a call, doing what its script says, step by step."""
    script: list[dict] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._steps = deque(dict(s) for s in self.script)
        self.hung_up = False

    @property
    def done(self) -> bool:
        return not self._steps

    def add(self, steps: list[dict]) -> None:
        """More of what the phone does (a live call's input, checked with check_script)."""
        self._steps.extend(dict(s) for s in steps)

    def ends_recording(self) -> bool:
        """Whether what is left ends a <Record> once its speech is over: a key press or a hang-up."""
        return any("press" in s or "hangup" in s for s in self._steps)

    def remaining(self) -> list[dict]:
        """What the phone has still to do (kept with the call: a redirect goes on from there)."""
        return [dict(s) for s in self._steps]

    def _wait(self, limit: float, waited: float) -> tuple[float, bool]:
        """Take the next `wait` step within `limit` seconds (already `waited`): (waited now, timed out)."""
        step = self._steps[0]
        if waited + step["wait"] >= limit:
            step["wait"] -= limit - waited  # the rest of the wait goes on after the verb
            return limit, True
        self._steps.popleft()
        return waited + step["wait"], False

    def gather(self, dtmf: bool, speech: bool, timeout: float, finish_on_key: str, num_digits: int | None,
               max_speech: float) -> Gathered:
        waited = 0.0
        while self._steps:
            step = self._steps[0]
            if "wait" in step:
                waited, timed_out = self._wait(timeout, waited)
                if timed_out:
                    return Gathered(waited)
                continue
            self._steps.popleft()
            if "hangup" in step:
                self.hung_up = True
                return Gathered(waited, hangup=True)
            if "press" in step and dtmf:
                keys = step["press"].replace("w", "").replace("W", "")
                if finish_on_key and finish_on_key in keys:
                    keys = keys[:keys.index(finish_on_key)]
                if num_digits:
                    keys = keys[:num_digits]
                return Gathered(waited + 0.5 * max(1, len(keys)), digits=keys)
            if "say" in step and speech:
                words = step["say"].strip()
                return Gathered(waited + min(speaking_time(words), max_speech) + 1.0, speech=words)
            if "record" in step:  # speech without words: nothing recognised
                waited += step["record"]
            # an input the verb does not listen for is lost
        return Gathered(waited + timeout)  # no more input: it times out

    def record(self, timeout: float, finish_on_key: str, max_length: float) -> Recorded:
        waited, spoken, words = 0.0, 0.0, []
        while self._steps:
            step = self._steps[0]
            if "wait" in step:
                if spoken:  # silence after speech: `timeout` of it ends the recording
                    waited, timed_out = self._wait(waited + timeout, waited)
                    if timed_out:
                        return Recorded(spoken, waited, words=" ".join(words))
                    continue
                waited, timed_out = self._wait(timeout, waited)
                if timed_out:
                    return Recorded(0.0, waited)
                continue
            self._steps.popleft()
            if "hangup" in step:
                self.hung_up = True
                return Recorded(spoken, waited, digits="hangup", words=" ".join(words), hangup=True)
            if "press" in step:
                keys = step["press"]
                if finish_on_key and any(k in finish_on_key for k in keys):
                    return Recorded(spoken, waited + 0.5, digits=next(k for k in keys if k in finish_on_key),
                                    words=" ".join(words))
                continue
            length = step["record"] if "record" in step else speaking_time(step["say"])
            if "say" in step:
                words.append(step["say"].strip())
            take = min(length, max_length - spoken)
            spoken, waited = spoken + take, waited + take
            if spoken >= max_length:
                return Recorded(spoken, waited, words=" ".join(words))
        if spoken:
            return Recorded(spoken, waited + timeout, words=" ".join(words))
        return Recorded(0.0, waited + timeout)

    def talk(self, limit: float) -> tuple[float, bool]:
        """On a bridged call: (seconds until this phone hangs up, within `limit`; whether it hung up)."""
        waited = 0.0
        while self._steps:
            step = self._steps[0]
            if "wait" in step:
                waited, timed_out = self._wait(limit, waited)
                if timed_out:
                    return limit, False
                continue
            self._steps.popleft()
            if "hangup" in step:
                self.hung_up = True
                return waited, True
            if "say" in step:
                waited += speaking_time(step["say"])
            elif "record" in step:
                waited += step["record"]
            if waited >= limit:
                return limit, False
        return waited, False  # a script that runs out: it stays on the line (the other side decides)

    def press_star(self) -> bool:
        """Whether the next step is a press of * (hangupOnStar), taking it."""
        if self._steps and "press" in self._steps[0] and self._steps[0]["press"].startswith("*"):
            self._steps.popleft()
            return True
        return False


@dataclass
class Recording:
    """A recording (RE…) a <Record> made: `words` is what the phone said in it, when it said words."""
    sid: str
    account_sid: str
    call_sid: str
    date_created: float
    start_time: float
    duration: int  # seconds, as Twilio rounds them
    source: str = "RecordVerb"
    status: str = "completed"
    channels: int = 1
    words: str = ""

    @property
    def price(self) -> str:
        """Emulator: a flat, documented price per started minute of recording (0.0025 USD)."""
        return f"{-0.0025 * max(1, -(-self.duration // 60)):.5f}"


@dataclass
class Transcription:
    """A transcription (TR…) of a <Record transcribe>: the words the phone said in the recording, or failed
    when it said none (a `record` step is speech without words) [emulator choice]."""
    sid: str
    account_sid: str
    recording_sid: str
    call_sid: str
    date_created: float
    duration: int
    text: str
    status: str  # completed | failed

    @property
    def price(self) -> str:
        """Emulator: a flat, documented price per started minute transcribed (0.0500 USD)."""
        return f"{-0.05 * max(1, -(-self.duration // 60)):.5f}"
