"""Machine-readable output for CI: GitHub workflow annotations, SARIF 2.1.0 and JUnit XML.

A policy repository checks every edit in CI, and each CI system reads results in its own form:
GitHub shows workflow annotations on the pull request's diff, code-scanning UIs read SARIF, and
test dashboards (GitLab, Jenkins, Azure DevOps, GitHub test-report actions) read JUnit XML. The
commands build their results as plain data and hand them here, so every command writes each
form the same way and the rules of each form (GitHub's escaping, SARIF's 1-based regions and
relative artifact URIs, XML's forbidden characters) are kept in one place.
"""

from __future__ import annotations

import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ._errors import Problem

__all__ = [
    "SARIF_SCHEMA_URI",
    "JUnitCase",
    "JUnitSuite",
    "annotation",
    "artifact_uri",
    "junit_xml",
    "problem_annotation",
    "sarif_log",
]

TOOL = "tanxin-rules"
SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
"""The ``$schema`` of a SARIF log: the 2.1.0 schema as GitHub's documentation cites it."""

AnnotationLevel = Literal["error", "warning", "notice"]


# --------------------------------------------------------------------------- GitHub


def _escape_data(text: str) -> str:
    """GitHub's escaping of a workflow command's message (``escapeData`` in @actions/core)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    """GitHub's escaping of a property value (``escapeProperty``): also ``:`` and ``,``."""
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(
    level: AnnotationLevel,
    message: str,
    *,
    file: str | None = None,
    line: int = 0,
    col: int = 0,
    title: str | None = None,
) -> str:
    """One workflow command, e.g. ``::error file=a.yaml,line=3,col=5,title=…::message``.

    Position properties are left out when unknown (0), so GitHub attaches the annotation to
    the file (or to the run) instead of to a wrong line.
    """
    parts: list[str] = []
    if file:
        parts.append(f"file={_escape_property(file)}")
        if line > 0:
            parts.append(f"line={line}")
            if col > 0:
                parts.append(f"col={col}")
    if title:
        parts.append(f"title={_escape_property(title)}")
    props = " " + ",".join(parts) if parts else ""
    return f"::{level}{props}::{_escape_data(message)}"


def github_level(level: str) -> AnnotationLevel:
    """A problem or finding level as an annotation level (``info`` → ``notice``)."""
    if level == "error":
        return "error"
    if level == "warning":
        return "warning"
    return "notice"


def problem_annotation(problem: Problem) -> str:
    """A located problem as a workflow annotation titled with its code."""
    return annotation(
        github_level(problem.level),
        problem.message,
        file=problem.file,
        line=problem.line,
        col=problem.col,
        title=f"{TOOL} {problem.code}",
    )


# --------------------------------------------------------------------------- SARIF


def artifact_uri(file: str, root: str | os.PathLike[str] | None = None) -> str:
    """The URI of ``file`` for a SARIF artifact location: relative to ``root`` when inside it.

    Code-scanning services resolve relative URIs against the repository root, which is the
    working directory CI runs in; a file outside it keeps an absolute ``file://`` URI.
    """
    base = Path(root if root is not None else os.getcwd()).resolve()
    path = Path(file)
    full = (path if path.is_absolute() else Path.cwd() / path).resolve()
    try:
        relative = full.relative_to(base)
    except ValueError:
        return full.as_uri()
    return urllib.parse.quote(relative.as_posix(), safe="/")


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def sarif_log(
    problems: Sequence[Problem],
    *,
    rules: Mapping[str, str],
    version: str,
    levels: Mapping[str, str] | None = None,
    root: str | os.PathLike[str] | None = None,
    successful: bool = True,
) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: a reporting descriptor per code, a result per problem.

    ``rules`` maps each code to a one-sentence description (codes missing from it get a
    generic one) and ``levels`` to its usual level (default: the level of its first problem,
    else ``warning``). Columns are counted in Unicode code points (``columnKind``), as the
    YAML reader counts them; a problem without a line has a location without a region.
    """
    codes = sorted({p.code for p in problems} | set(rules))
    index = {code: i for i, code in enumerate(codes)}
    default_level = dict(levels or {})
    for problem in problems:
        default_level.setdefault(problem.code, problem.level)
    descriptors = [
        {
            "id": code,
            "shortDescription": {"text": rules.get(code) or f"policy problem ({code})"},
            "defaultConfiguration": {
                "level": _SARIF_LEVEL.get(default_level.get(code, "warning"), "warning")
            },
        }
        for code in codes
    ]
    results: list[dict[str, Any]] = []
    for problem in problems:
        result: dict[str, Any] = {
            "ruleId": problem.code,
            "ruleIndex": index[problem.code],
            "level": _SARIF_LEVEL.get(problem.level, "warning"),
            "message": {"text": problem.message},
        }
        if problem.file and not problem.file.startswith("<"):
            physical: dict[str, Any] = {
                "artifactLocation": {"uri": artifact_uri(problem.file, root)},
            }
            if problem.line > 0:
                region: dict[str, int] = {"startLine": problem.line}
                if problem.col > 0:
                    region["startColumn"] = problem.col
                physical["region"] = region
            result["locations"] = [{"physicalLocation": physical}]
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": TOOL, "version": version, "rules": descriptors}},
                "invocations": [{"executionSuccessful": successful}],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


# --------------------------------------------------------------------------- JUnit


@dataclass(frozen=True, slots=True)
class JUnitCase:
    """One test case: its outcome and, when it did not pass, a message and the details."""

    name: str
    classname: str
    time: float = 0.0
    outcome: Literal["passed", "failed", "error", "skipped"] = "passed"
    message: str = ""
    details: str = ""


@dataclass(frozen=True, slots=True)
class JUnitSuite:
    """A suite of cases (one scenario file), with properties shown by some dashboards."""

    name: str
    cases: Sequence[JUnitCase]
    file: str | None = None
    properties: Mapping[str, str] = field(default_factory=dict)


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """Text XML 1.0 can carry: control characters it forbids become U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _seconds(value: float) -> str:
    return f"{max(value, 0.0):.3f}"


def junit_xml(suites: Sequence[JUnitSuite], *, name: str) -> str:
    """A JUnit XML document (``<testsuites>``) in the form Jenkins' and xunit's schema define."""
    root = ET.Element("testsuites", {"name": _xml_text(name)})
    totals = {"tests": 0, "failures": 0, "errors": 0}
    total_time = 0.0
    for suite in suites:
        counts = {
            outcome: sum(1 for c in suite.cases if c.outcome == outcome)
            for outcome in ("failed", "error", "skipped")
        }
        suite_time = sum(c.time for c in suite.cases)
        attrs = {
            "name": _xml_text(suite.name),
            "tests": str(len(suite.cases)),
            "failures": str(counts["failed"]),
            "errors": str(counts["error"]),
            "skipped": str(counts["skipped"]),
            "time": _seconds(suite_time),
        }
        if suite.file:
            attrs["file"] = _xml_text(suite.file)
        element = ET.SubElement(root, "testsuite", attrs)
        if suite.properties:
            props = ET.SubElement(element, "properties")
            for key, value in suite.properties.items():
                ET.SubElement(
                    props, "property", {"name": _xml_text(key), "value": _xml_text(value)}
                )
        for case in suite.cases:
            item = ET.SubElement(
                element,
                "testcase",
                {
                    "name": _xml_text(case.name),
                    "classname": _xml_text(case.classname),
                    "time": _seconds(case.time),
                },
            )
            if case.outcome != "passed":
                tag = {"failed": "failure", "error": "error", "skipped": "skipped"}[case.outcome]
                child = ET.SubElement(item, tag, {"message": _xml_text(case.message)})
                if case.outcome != "skipped":
                    child.set("type", "AssertionError" if tag == "failure" else "InputError")
                child.text = _xml_text(case.details) if case.details else None
        totals["tests"] += len(suite.cases)
        totals["failures"] += counts["failed"]
        totals["errors"] += counts["error"]
        total_time += suite_time
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", str(totals["errors"]))
    root.set("time", _seconds(total_time))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
