"""Lint: no Celery task is enqueued from inside a transaction except through `on_commit`.

A `.delay()` or `.apply_async()` inside `transaction.atomic()` sends the message at once: a
worker may run the task before the transaction commits (it then reads old data or no row at
all), and a rollback leaves a task behind for changes that never happened. Enqueue with
`transaction.on_commit(lambda: task.delay(pk))` instead.

The checker reads every Python file of the project (ast, nothing is imported). It knows the
transaction from the code's shape: a `with transaction.atomic():` / `with atomic():` block, or a
function decorated `@transaction.atomic` / `@atomic` (with or without arguments). Code inside
a function defined there runs later, so it does not count; neither does anything inside the
arguments of an `on_commit(...)` call (a lambda elsewhere may run at once: it counts). A task
enqueued by a helper that a transaction calls is beyond what the checker sees.
"""

import ast
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SKIPPED_FOLDERS = {"node_modules", "staticfiles", "__pycache__", "bench/results"}
ENQUEUE = {"delay", "apply_async"}


def _is_atomic(node: ast.expr) -> bool:
    """`transaction.atomic`, `atomic`, or either called (`atomic(using="x")`)."""
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr == "atomic"
    return isinstance(node, ast.Name) and node.id == "atomic"


def _is_on_commit(node: ast.Call) -> bool:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    return name == "on_commit"


class _Checker(ast.NodeVisitor):
    def __init__(self):
        self.in_atomic = 0
        self.found: list[tuple[int, str]] = []

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        atomic = any(_is_atomic(item.context_expr) for item in node.items)
        for item in node.items:
            self.visit(item)
        self.in_atomic += atomic
        for statement in node.body:
            self.visit(statement)
        self.in_atomic -= atomic

    visit_AsyncWith = visit_With

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for decorator in node.decorator_list:
            self.visit(decorator)
        outer, self.in_atomic = self.in_atomic, int(any(map(_is_atomic, node.decorator_list)))
        for statement in node.body:
            self.visit(statement)
        self.in_atomic = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        if _is_on_commit(node):
            self.visit(node.func)  # its arguments run after the commit
            return
        func = node.func
        if self.in_atomic and isinstance(func, ast.Attribute) and func.attr in ENQUEUE:
            self.found.append((node.lineno, ast.unparse(func)))
        self.generic_visit(node)


def bare_enqueues(source: str) -> list[tuple[int, str]]:
    """(line, call) of each task enqueued inside a transaction without `on_commit`."""
    checker = _Checker()
    checker.visit(ast.parse(source))
    return checker.found


def project_files() -> list[Path]:
    files = []
    for path in sorted(BASE_DIR.rglob("*.py")):
        relative = path.relative_to(BASE_DIR)
        folders = relative.parts[:-1]
        if any(part.startswith(".") for part in folders):  # .venv, .git, .data…
            continue
        if any(part in SKIPPED_FOLDERS for part in folders) or any(
            relative.as_posix().startswith(f"{folder}/") for folder in SKIPPED_FOLDERS
        ):
            continue
        files.append(path)
    return files


def test_it_finds_no_task_enqueued_inside_a_transaction():
    files = project_files()
    assert len(files) > 50, "the walk found too few files: is BASE_DIR right?"
    found = [
        f"{path.relative_to(BASE_DIR)}:{line}: {call}() inside a transaction"
        for path in files
        for line, call in bare_enqueues(path.read_text())
    ]
    assert found == [], "enqueue with transaction.on_commit(lambda: …):\n" + "\n".join(found)


def test_it_catches_a_delay_inside_an_atomic_block():
    source = """
from django.db import transaction

def placement_end(placement):
    with transaction.atomic():
        placement.save()
        notify_team.delay(placement.pk)
    rebuild.delay()  # after the block: fine
"""
    assert bare_enqueues(source) == [(7, "notify_team.delay")]


def test_it_catches_apply_async_in_an_atomic_function_and_nested_blocks():
    source = """
from django.db import transaction
from django.db.transaction import atomic

@transaction.atomic
def first(pk):
    build_report.apply_async(args=[pk], countdown=5)

@atomic(using="default")
def second(pk):
    if pk:
        for _ in range(2):
            send.delay(pk)

def third(pk):
    with atomic(), open("x") as handle:
        with handle:
            send.s(pk).apply_async()
        list(map(lambda item: send.delay(item), [pk]))
"""
    assert bare_enqueues(source) == [
        (7, "build_report.apply_async"),
        (13, "send.delay"),
        (18, "send.s(pk).apply_async"),
        (19, "send.delay"),
    ]


def test_it_accepts_on_commit_and_code_that_runs_later():
    source = """
from functools import partial
from django.db import transaction

@transaction.atomic
def first(report):
    report.save()
    transaction.on_commit(lambda: build_report.delay(report.pk))
    transaction.on_commit(partial(build_report.delay, report.pk))

def second(report):
    with transaction.atomic():
        report.save()
        transaction.on_commit(lambda pk=report.pk: build_report.apply_async([pk]))

        def later():
            build_report.delay(report.pk)

    build_report.delay(report.pk)
"""
    assert bare_enqueues(source) == []
