"""Pack checked documents into an upload set the platform takes: at most `max_files` PDFs of at
most `max_file_bytes` each, unencrypted, in order, named so a person can match them to what they
answer (`01-passport-data-page.pdf`).

How: render every document at the best quality level (cases.documents.normalise), then choose how
to cut the pages into files, preferring (1) one file per group (item or comment answered), split
into parts when a group is too big; (2) those files, the smallest neighbours merged first, only
until `max_files` is reached (every slot is used before anything is merged; a pinned document is
never merged); (3) pages combined regardless of groups. The first plan within `max_files` wins;
when none fits, the next lower quality is tried.
At the lowest legible quality the documents that cannot fit are named (UploadSetTooLarge) rather
than producing unreadable files.

No database and no settings: the services, the command and the benchmark call `pack()` alike.
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import PurePath

import pikepdf
import pypdf
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cases.documents.limits import Limits
from cases.documents.normalise import LEVELS, DecodedCache, Quality, Rendered, render
from cases.errors import UploadSetTooLarge

THREADS = max(1, min(4, os.cpu_count() or 1))
FILE_OVERHEAD = 4096  # header, catalog, page tree, document info, cross-reference table
NAME_STEM_MAX = 48
CACHE_BYTES = 320 * 1024 * 1024  # decoded images kept for the lower levels, for all inputs
NAMES_MAX = 96  # a merged file's stem: every label while it stays readable, else "-and-N-more"

Progress = Callable[[int], None]


@dataclass(frozen=True)
class PackInput:
    key: str  # how the caller recognises the input (document id, path)
    name: str  # the file as the person knows it, for messages
    label: str  # what the output's name is made from (the item or comment it answers)
    group: str  # inputs of one group belong together
    data: bytes
    content_type: str
    pinned: bool = False  # staff want it in a file of its own: never merged with others
    tab: str = ""  # the platform tab it answers, in English: the name when the label has no ASCII
    rotations: tuple[tuple[int, int], ...] = ()  # (page number, degrees clockwise) staff set


@dataclass(frozen=True)
class Part:
    """Pages of one input inside a packed file (1-based, inclusive), so people can check it."""

    key: str
    label: str
    source_first: int
    source_last: int
    file_first: int
    file_last: int

    def as_dict(self) -> dict[str, object]:
        return {
            "document": self.key,
            "label": self.label,
            "source_pages": [self.source_first, self.source_last],
            "file_pages": [self.file_first, self.file_last],
        }


@dataclass(frozen=True)
class PackedOutput:
    name: str
    data: bytes
    pages: int
    sources: tuple[str, ...]  # keys of the inputs with pages in this file
    contents: tuple[Part, ...] = ()

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass(frozen=True)
class PackResult:
    files: tuple[PackedOutput, ...]
    quality: Quality | None
    plan: str


@dataclass
class _Bin:
    units: list[tuple[int, int]] = field(default_factory=list)  # (input index, page index)
    cost: int = FILE_OVERHEAD


def _ascii_slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return slugify(ascii_text).replace("_", "-")[:NAME_STEM_MAX].strip("-")


def label_slug(label: str, fallback_name: str, tab: str = "") -> str:
    """ASCII-safe stem for a file name: the label, else the reviewer's tab it answers, else the
    source file's own name."""
    return (
        _ascii_slug(label)
        or _ascii_slug(tab)
        or _ascii_slug(PurePath(fallback_name).stem)
        or "document"
    )


# --- Plans ------------------------------------------------------------------------------------------
def _groups(inputs: Sequence[PackInput]) -> list[list[int]]:
    groups: list[list[int]] = []
    for index, item in enumerate(inputs):
        if groups and inputs[groups[-1][-1]].group == item.group:
            groups[-1].append(index)
        else:
            groups.append([index])
    return groups


def _units(group: list[int], rendered: list[Rendered]) -> list[tuple[int, int, int]]:
    return [
        (index, page, cost)
        for index in group
        for page, cost in enumerate(rendered[index].page_costs)
    ]


def _fill(bins: list[_Bin], units, budget: int, *, fresh: bool) -> None:
    """Greedy in order: the fewest files for a sequence that keeps its order."""
    if fresh or not bins:
        bins.append(_Bin())
    for index, page, cost in units:
        if bins[-1].units and bins[-1].cost + cost > budget:
            bins.append(_Bin())
        bins[-1].units.append((index, page))
        bins[-1].cost += cost


def plan_per_group(groups, rendered, budget, max_files=0, pinned=frozenset()) -> list[_Bin]:
    bins: list[_Bin] = []
    for group in groups:
        _fill(bins, _units(group, rendered), budget, fresh=True)
    return bins


def _mergeable(left: _Bin, right: _Bin, pinned) -> bool:
    return not any(index in pinned for index, _ in left.units + right.units)


def plan_grouped(groups, rendered, budget, max_files=0, pinned=frozenset()) -> list[_Bin]:
    """One file per group, then merge neighbours only while there are more files than slots,
    the cheapest pair first: a free slot is never left while two groups share a file."""
    bins = plan_per_group(groups, rendered, budget)
    while len(bins) > max_files:
        best: tuple[int, int] | None = None
        for index in range(len(bins) - 1):
            left, right = bins[index], bins[index + 1]
            cost = left.cost + right.cost - FILE_OVERHEAD
            fits = cost <= budget and _mergeable(left, right, pinned)
            if fits and (best is None or cost < best[0]):
                best = (cost, index)
        if best is None:
            break  # nothing fits together: the next plan cuts across groups
        cost, index = best
        bins[index] = _Bin(units=bins[index].units + bins[index + 1].units, cost=cost)
        del bins[index + 1]
    return bins


def plan_by_page(groups, rendered, budget, max_files=0, pinned=frozenset()) -> list[_Bin]:
    bins: list[_Bin] = []
    _fill(bins, [unit for group in groups for unit in _units(group, rendered)], budget, fresh=True)
    return bins


PLANS = (("per_group", plan_per_group), ("grouped", plan_grouped), ("by_page", plan_by_page))


# --- Building and measuring -----------------------------------------------------------------------
def _build(units: list[tuple[int, int]], rendered: list[Rendered], title: str) -> bytes:
    out = pikepdf.Pdf.new()
    for index, page in units:
        out.pages.append(rendered[index].pdf.pages[page])
    out.docinfo["/Title"] = title
    out.docinfo["/Producer"] = "Gold Card supplement tracker"
    buffer = io.BytesIO()
    # Plain cross-reference tables (no object streams): the most widely readable form.
    out.save(
        buffer,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        fix_metadata_version=False,
    )
    return buffer.getvalue()


def _measured(bins: list[_Bin], rendered, inputs, limit: int, max_files: int, pinned=frozenset()):
    """Build each file; a file over the limit (costs are estimates) gives its last pages to the
    next one. Then try to merge neighbours that the estimate kept apart (shared fonts counted
    twice). Answers [(units, data)] or None when more than `max_files` are needed."""
    queue = [list(b.units) for b in bins]
    built: list[tuple[list, bytes]] = []
    while queue:
        units = queue.pop(0)
        data = _build(units, rendered, _title(units, inputs))
        while len(data) > limit and len(units) > 1:
            moved = units.pop()
            if queue:
                queue[0].insert(0, moved)
            else:
                queue.append([moved])
            data = _build(units, rendered, _title(units, inputs))
        if len(data) > limit:
            return None  # one page alone is over the limit
        built.append((units, data))
        if len(built) + len(queue) > max_files * 2:
            return None  # hopeless at this level: do not build the rest
    merged: list[tuple[list, bytes]] = []
    for number, (units, data) in enumerate(built):
        # Merge only while more files remain than there are slots (every slot used first).
        over = len(merged) + len(built) - number > max_files
        if merged and over and not any(i in pinned for i, _ in merged[-1][0] + units):
            candidate_units = merged[-1][0] + units
            candidate = _build(candidate_units, rendered, _title(candidate_units, inputs))
            if len(candidate) <= limit:
                merged[-1] = (candidate_units, candidate)
                continue
        merged.append((units, data))
    return merged if len(merged) <= max_files else None


def _title(units, inputs: Sequence[PackInput]) -> str:
    labels: list[str] = []
    for index, _page in units:
        if inputs[index].label not in labels:
            labels.append(inputs[index].label)
    return "; ".join(labels)


def _parts(units, inputs: Sequence[PackInput]) -> tuple[Part, ...]:
    """The runs of consecutive pages of one input, in file order."""
    parts: list[Part] = []
    for file_page, (index, page) in enumerate(units, start=1):
        item = inputs[index]
        last = parts[-1] if parts else None
        if (
            last
            and last.key == item.key
            and last.source_last == page
            and last.file_last + 1 == file_page
        ):
            parts[-1] = Part(
                last.key, last.label, last.source_first, page + 1, last.file_first, file_page
            )
        else:
            parts.append(Part(item.key, item.label, page + 1, page + 1, file_page, file_page))
    return tuple(parts)


def _outputs(files, inputs: Sequence[PackInput], groups) -> tuple[PackedOutput, ...]:
    """Name each file for what it holds: the label of each group in it (`a-and-b`), or the
    first one and `-and-N-more` when they would not stay readable; `-part-N` when the first
    group spans several files."""
    group_of = {index: number for number, group in enumerate(groups) for index in group}
    groups_per_file = [
        list(dict.fromkeys(group_of[index] for index, _ in units)) for units, _ in files
    ]
    files_per_group: dict[int, int] = {}
    for present in groups_per_file:
        for group in present:
            files_per_group[group] = files_per_group.get(group, 0) + 1
    seen_parts: dict[int, int] = {}
    result = []
    for position, ((units, data), present) in enumerate(zip(files, groups_per_file, strict=True)):
        for group in present:
            seen_parts[group] = seen_parts.get(group, 0) + 1
        stems = []
        for group in present:
            first = inputs[groups[group][0]]
            stem = label_slug(first.label, first.name, first.tab)
            if files_per_group[group] > 1:
                stem += f"-part-{seen_parts[group]}"
            stems.append(stem)
        stem = "-and-".join(stems)
        if len(stem) > NAMES_MAX:
            stem = f"{stems[0]}-and-{len(stems) - 1}-more"
        result.append(
            PackedOutput(
                name=f"{position + 1:02d}-{stem}.pdf",
                data=data,
                pages=len(units),
                sources=tuple(dict.fromkeys(inputs[index].key for index, _ in units)),
                contents=_parts(units, inputs),
            )
        )
    return tuple(result)


def validate_output(data: bytes, pages: int) -> None:
    """Every output must open in two independent readers, unencrypted, with its pages."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if pdf.is_encrypted or len(pdf.pages) != pages:
            raise RuntimeError("packed file failed validation (pikepdf)")
    reader = pypdf.PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted or len(reader.pages) != pages:
        raise RuntimeError("packed file failed validation (pypdf)")


# --- The whole -------------------------------------------------------------------------------------
def pack(
    inputs: Sequence[PackInput],
    *,
    limits: Limits,
    progress: Progress | None = None,
    levels: Sequence[Quality] = LEVELS,
) -> PackResult:
    report = progress or (lambda percent: None)
    if not inputs:
        return PackResult(files=(), quality=None, plan="empty")
    groups = _groups(inputs)
    pinned = frozenset(index for index, item in enumerate(inputs) if item.pinned)
    budget = limits.max_file_bytes
    steps = len(levels) * (len(inputs) + 1)
    step = 0
    rendered: list[Rendered] = []
    # One budget for the whole set, shared out: it must fit the job's memory cap with room to
    # decode (PACK_MEMORY_LIMIT_MB), however many documents there are.
    caches = [DecodedCache(CACHE_BYTES // len(inputs)) for _ in inputs]
    for level_number, quality in enumerate(levels):
        last = level_number == len(levels) - 1
        start = level_number * (len(inputs) + 1)

        def rendered_one(done: int, start: int = start) -> None:
            # Real progress: one step per document rendered, so a long scan moves the bar.
            report(min(90, round(90 * (start + done) / steps)))

        rendered = _render_level(
            inputs, caches, quality, limits, stop_early=not last, on_done=rendered_one
        )
        step = (level_number + 1) * (len(inputs) + 1)
        report(min(90, round(90 * step / steps)))
        if rendered is None:
            continue  # hopeless at this quality, seen before every document was rendered
        oversized = {
            index
            for index, item in enumerate(rendered)
            if max(item.page_costs, default=0) + FILE_OVERHEAD > budget
        }
        if not oversized:
            for plan_name, plan in PLANS:
                bins = plan(groups, rendered, budget, limits.max_files, pinned)
                if len(bins) > limits.max_files:
                    continue
                files = _measured(bins, rendered, inputs, budget, limits.max_files, pinned)
                if files is None:
                    continue
                outputs = _outputs(files, inputs, groups)
                for output in outputs:
                    validate_output(output.data, output.pages)
                report(100)
                return PackResult(files=outputs, quality=quality, plan=plan_name)
    raise _too_large(inputs, rendered, groups, limits, levels[-1])


def _render_level(
    inputs, caches, quality: Quality, limits: Limits, *, stop_early: bool, on_done=None
):
    """Every input at one quality, in threads (one per core: Pillow's decoders, resampling and
    encoders release the GIL, and each input has its own PDF and cache, so nothing is shared).
    With `stop_early`, gives up (None) as soon as the pages rendered so far cannot fit, or one
    page alone is over the limit: the next level starts from the images decoded meanwhile."""
    capacity = limits.max_files * limits.max_file_bytes
    total = 0
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        futures = [
            pool.submit(_render_turned, item, quality, cache)
            for item, cache in zip(inputs, caches, strict=True)
        ]
        for done, future in enumerate(as_completed(futures), start=1):
            costs = future.result().page_costs
            if on_done is not None:
                on_done(done)  # here, in the caller's thread: it may write the job's progress
            total += sum(costs)
            hopeless = (
                total > capacity or max(costs, default=0) + FILE_OVERHEAD > limits.max_file_bytes
            )
            if stop_early and hopeless:
                for pending in futures:
                    pending.cancel()
                return None
        return [future.result() for future in futures]


def _render_turned(item: PackInput, quality: Quality, cache) -> Rendered:
    """An input's pages, with the pages staff turned upright turned (a page's /Rotate: the same
    bytes, so the page costs hold)."""
    rendered = render(item.data, item.content_type, quality, cache)
    for number, degrees in item.rotations:
        if 1 <= number <= len(rendered.pdf.pages):
            rendered.pdf.pages[number - 1].rotate(degrees, relative=True)
    return rendered


def _too_large(inputs, rendered, groups, limits: Limits, quality: Quality) -> UploadSetTooLarge:
    budget = limits.max_file_bytes
    oversized = [
        index
        for index, item in enumerate(rendered)
        if max(item.page_costs, default=0) + FILE_OVERHEAD > budget
    ]
    if oversized:
        reason = "page_too_large"
        culprits = oversized
        needed = None
        message = _(
            "Even at the lowest legible quality (%(dpi)d dpi), a page of these documents is "
            "larger than the platform's %(limit_kb)d KB per file: %(names)s. Re-scan them in "
            "black and white or at a lower resolution."
        )
    else:
        reason = "set_too_large"
        needed = len(plan_by_page(groups, rendered, budget))
        # The biggest documents, in order, until the rest fits: what to leave out or shorten.
        remaining = sorted(range(len(inputs)), key=lambda i: -sum(rendered[i].page_costs))
        culprits = []
        while remaining:
            culprits.append(remaining.pop(0))
            kept = [index for index in range(len(inputs)) if index not in culprits]
            kept_groups = [[i for i in group if i in kept] for group in groups]
            kept_groups = [group for group in kept_groups if group]
            if len(plan_by_page(kept_groups, rendered, budget)) <= limits.max_files:
                break
        message = _(
            "Even at the lowest legible quality (%(dpi)d dpi), the documents need %(needed)d "
            "files of at most %(limit_kb)d KB; the platform takes %(max_files)d. Leave out or "
            "shorten (only the pages asked for): %(names)s."
        )
    documents = [
        {
            "key": inputs[index].key,
            "name": inputs[index].name,
            "bytes": sum(rendered[index].page_costs),
            "pages": len(rendered[index].page_costs),
        }
        for index in culprits
    ]
    return UploadSetTooLarge(
        message
        % {
            "dpi": quality.dpi,
            "limit_kb": limits.max_file_bytes // 1024,
            "needed": needed or 0,
            "max_files": limits.max_files,
            "names": ", ".join(f"“{entry['name']}”" for entry in documents),
        },
        reason=reason,
        documents=documents,
        files_needed=needed,
        max_files=limits.max_files,
        max_file_bytes=limits.max_file_bytes,
    )
