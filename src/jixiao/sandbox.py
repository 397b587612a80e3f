"""The Jinja sandbox for everything a writer or a unit edits: writer text and Word templates.

What it allows is listed, not what it forbids (docs/security.md says it for users):
- names: the plain data of the context (see plain.py), `range`, and the functions a
  caller passes (`num`); attribute and item access only to declared fields of a Record,
  keys of a Table, items of a tuple and the attributes of `loop`;
- calls: only `range`, `num` and jixiao's loop guard; no method of any value;
- filters: jixiao's formatting filters and the Jinja filters in `JINJA_FILTERS`;
- limits: length of any text made (`MAX_TEXT`), output of one render (`MAX_OUTPUT`),
  loop iterations (`MAX_ITERATIONS`), size of numbers, and seconds per render.
Going past a limit raises `LimitError`, a SecurityError, so callers report it as a finding.
"""

from __future__ import annotations

import functools
import marshal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from types import CodeType
from typing import Any

from jinja2 import StrictUndefined, Template, Undefined, nodes, pass_eval_context
from jinja2.filters import FILTERS as JINJA_BUILTIN_FILTERS
from jinja2.nodes import EvalContext
from jinja2.runtime import LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from jixiao import diskcache
from jixiao.formatting import FILTERS
from jixiao.messages import say
from jixiao.plain import SCALARS, Record, Table, plain

MAX_TEXT = 1_000_000
"""Characters in any one text a template or writer text makes (a join, a repeat …)."""
MAX_OUTPUT = 50_000_000
"""Characters one render may write out through `{{ … }}` (a whole report's XML is ~1 MB)."""
MAX_ITERATIONS = 200_000
"""Loop iterations in one render, all loops together (a large report takes a few thousand)."""
MAX_RANGE = 10_000
"""Numbers one `range(…)` may give."""
MAX_INT_BITS = 4_096
"""Bits of a whole number made by arithmetic (about 1,233 decimal digits)."""
MAX_SECONDS = 20
"""Seconds one render may take."""

JINJA_FILTERS = (
    "abs", "capitalize", "count", "d", "default", "e", "escape", "first", "join", "last",
    "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "reverse",
    "select", "selectattr", "sort", "string", "sum", "title", "trim", "truncate", "unique",
    "upper", "wordcount",
)  # fmt: skip
"""Jinja's own filters that writer text and templates may use; each makes at most what it
is given. Left out: those that print objects (pprint, tojson), pad or repeat text (center,
indent, wordwrap, format), pass markup unescaped (safe), or reach attributes (attr)."""

LOOP_FIELDS = frozenset(
    ("index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0")
)
"""What a template may read of `loop` inside `{% for %}`."""


class LimitError(SecurityError):
    """A render went past one of the sandbox's limits."""


class Budget:
    """What one render has used of its limits: iterations, output, time."""

    def __init__(self) -> None:
        self.iterations = 0
        self.output = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def spend(self, iterations: int = 0, output: int = 0) -> None:
        self.iterations += iterations
        self.output += output
        if self.iterations > MAX_ITERATIONS:
            raise LimitError(say("sandbox_iterations", limit=MAX_ITERATIONS))
        if self.output > MAX_OUTPUT:
            raise LimitError(say("sandbox_output", limit=MAX_OUTPUT))
        if time.monotonic() > self.deadline:
            raise LimitError(say("sandbox_seconds", limit=MAX_SECONDS))


class GuardedTemplate(Template):
    """A template whose every render starts a new `Budget`."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        environment = self.environment
        assert isinstance(environment, Sandbox)
        outer, environment.budget = environment.budget, Budget()
        try:
            return super().render(*args, **kwargs)
        finally:
            environment.budget = outer


_CODE: dict[tuple[Any, str], CodeType] = {}
"""Python code of each writer text or template part compiled so far, shared by every
Sandbox (all compile alike but for autoescape): the one cache of compiled code a process has
(a batch's next unit, a save under `jixiao watch`); an environment binds it, cheaply."""
_CODE_LIMIT = 4096
"""Sources whose code is kept; the oldest is dropped first."""


class Sandbox(ImmutableSandboxedEnvironment):
    """The sandboxed environment (see the module docstring). A template from a string is
    made from the process's compiled code (`_CODE`); the environment keeps up to `cache` of
    them made already (the Word templates' one does: their parts come back unit after unit).
    """

    template_class = GuardedTemplate
    intercepted_binops = frozenset(("*", "**", "+", "%", "//", "/", "-"))

    def __init__(self, cache: int = 0, persist: bool = False, **options: Any) -> None:
        super().__init__(finalize=self._finalize, **options)
        self.cache_size = cache
        self.persist = persist
        self.compiled: dict[str, Template] = {}
        self.budget = Budget()
        self.globals.clear()
        self.globals["range"] = guarded_range
        self.filters = {name: JINJA_BUILTIN_FILTERS[name] for name in JINJA_FILTERS}
        self.filters["join"] = _join
        self.filters.update(_strict_filters())

    # -- compiling: every loop goes through the guard -----------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            guard = nodes.EnvironmentAttribute("guard_loop", lineno=loop.lineno)
            loop.iter = nodes.Call(guard, [loop.iter], [], None, None, lineno=loop.lineno)
        return tree

    def from_string(
        self,
        source: str | nodes.Template,
        globals: MutableMapping[str, Any] | None = None,
        template_class: type[Template] | None = None,
    ) -> Template:
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if not self.cache_size:
            return self._from_code(source)
        compiled = self.compiled
        template = compiled.get(source)
        if template is None:
            if len(compiled) >= self.cache_size:
                del compiled[next(iter(compiled))]
            template = compiled[source] = self._from_code(source)
        return template

    def _from_code(self, source: str) -> Template:
        """`source` as a template of this environment, its code compiled once a process."""
        key = (self.autoescape, source)
        code = _CODE.get(key)
        if code is None:
            code = self._kept_code(source) if self.persist else None
            if code is None:
                code = self.compile(source)  # a syntax error raises here, as from_string does
                if self.persist:
                    self._keep_code(source, code)
            if len(_CODE) >= _CODE_LIMIT:
                del _CODE[next(iter(_CODE))]
            _CODE[key] = code
        return self.template_class.from_code(self, code, self.make_globals(None))

    def _code_key(self, source: str) -> str:
        return diskcache.digest(f"{self.autoescape!r}\0{source}".encode("utf-8", "surrogatepass"))

    def _kept_code(self, source: str) -> CodeType | None:
        """The code compiled for `source` by an earlier process (diskcache), if kept."""
        kept = diskcache.read("code", self._code_key(source))
        if kept is None:
            return None
        try:
            code = marshal.loads(kept)
        except (EOFError, ValueError, TypeError):
            return None
        return code if isinstance(code, CodeType) else None

    def _keep_code(self, source: str, code: CodeType) -> None:
        diskcache.write("code", self._code_key(source), marshal.dumps(code))

    def _load_template(self, name: Any, globals: Any) -> Template:
        """`{% include %}`, `{% import %}`, `{% from … import %}` and `{% extends %}` read
        other templates: refused (there are none to read), in the writer's words."""
        raise SecurityError(say("sandbox_include"))

    def guard_loop(self, iterable: Any) -> Iterator[Any]:
        """The items of a `{% for %}`, each counted against the render's budget."""
        if isinstance(iterable, Undefined):
            iterable._fail_with_undefined_error()
        if isinstance(iterable, str | Record) or not isinstance(iterable, Iterable):
            raise SecurityError(say("sandbox_loop_type"))
        budget = self.budget
        for item in iterable:
            budget.spend(iterations=1)
            yield item

    # -- what a name, an attribute, an item and a call may reach --------------------------

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute.startswith("_"):
            raise SecurityError(say("sandbox_private", name=attribute))
        if isinstance(obj, Undefined):
            obj._fail_with_undefined_error()
        if isinstance(obj, Record) and attribute in obj.fields():
            return getattr(obj, attribute)
        if isinstance(obj, Table) and attribute in obj:
            return obj[attribute]
        if isinstance(obj, LoopContext) and attribute in LOOP_FIELDS:
            return getattr(obj, attribute)
        return self.undefined(obj=obj, name=attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Undefined):
            obj._fail_with_undefined_error()
        try:
            if isinstance(obj, Record):
                return obj.item(argument)
            if isinstance(obj, Table):
                return obj[argument]
            if isinstance(obj, tuple | list | str) and isinstance(argument, int | slice):
                return plain(obj[argument])
        except (KeyError, IndexError, TypeError):
            pass
        return self.undefined(obj=obj, name=argument)

    def is_safe_callable(self, obj: Any) -> bool:
        guard = getattr(obj, "__func__", None) is Sandbox.guard_loop and obj.__self__ is self
        return guard or obj is guarded_range or isinstance(obj, Guarded)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """A call in an expression: `range`, `num` and the loop guard only."""
        if isinstance(__obj, Undefined):
            __obj._fail_with_undefined_error()
        if not __self.is_safe_callable(__obj):
            raise SecurityError(say("sandbox_call"))
        return __context.call(__obj, *args, **kwargs)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%" and isinstance(left, str):
            raise SecurityError(say("sandbox_percent"))
        if operator == "*":
            for text, times in ((left, right), (right, left)):
                if isinstance(text, str | tuple | list) and isinstance(times, int):
                    _check_size(len(text) * max(times, 0))
        if (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and right > 0
            and abs(left) > 1
            and abs(left).bit_length() * right > MAX_INT_BITS
        ):
            raise LimitError(say("sandbox_number", bits=MAX_INT_BITS))
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, str | tuple | list):
            _check_size(len(result))
        elif isinstance(result, int) and result.bit_length() > MAX_INT_BITS:
            raise LimitError(say("sandbox_number", bits=MAX_INT_BITS))
        return result

    def _finalize(self, value: Any) -> Any:
        """Each `{{ … }}` output: text, a number, a date or none; counted against the budget."""
        if not isinstance(value, (*SCALARS, Undefined)):  # a record, a list, a function …
            raise SecurityError(say("sandbox_not_text"))
        if isinstance(value, str):
            self.budget.spend(output=len(value))
        return value


def written_iterable(loop: nodes.For) -> nodes.Node:
    """What a `{% for %}` loops over as the template wrote it (without the loop guard)."""
    guarded = loop.iter
    if isinstance(guarded, nodes.Call) and isinstance(guarded.node, nodes.EnvironmentAttribute):
        return guarded.args[0]
    return guarded


class Guarded:
    """Base of the functions a caller adds to the context that templates may call (`num`)."""

    __slots__ = ()


def guarded_range(*args: int) -> range:
    """`range(…)`, at most `MAX_RANGE` numbers."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise LimitError(say("sandbox_range", limit=MAX_RANGE))
    return numbers


def _check_size(length: int) -> None:
    if length > MAX_TEXT:
        raise LimitError(say("sandbox_text", limit=MAX_TEXT))


@pass_eval_context
def _join(context: EvalContext, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    """Jinja's `join`, refusing to make a text longer than `MAX_TEXT`."""
    items = [value] if isinstance(value, str) else list(value)
    _check_size(len(d) * max(len(items) - 1, 0))
    _check_size(sum(len(i) for i in items if isinstance(i, str)))
    joined = JINJA_BUILTIN_FILTERS["join"](context, items, d, attribute)
    _check_size(len(joined))
    return joined


def sandbox(autoescape: bool = False, cache: int = 0, persist: bool = False) -> Sandbox:
    """The Jinja environment for anything a writer or a unit can edit.

    It keeps up to `cache` templates made from strings (see `Sandbox`).
    """
    return Sandbox(cache, persist, undefined=StrictUndefined, autoescape=autoescape)


def failure_detail(exc: Exception) -> str:
    """What an expression's failure that no rule of the sandbox raised (a division by zero,
    a number added to a text …) was, in the writer's words where jixiao knows them."""
    if isinstance(exc, ZeroDivisionError):
        return say("expression_zero_division")
    if isinstance(exc, TypeError) and "unsupported operand" in str(exc):
        return say("expression_mixed_operands")
    return f"{type(exc).__name__}: {exc}"


def plain_names(names: Mapping[str, Any]) -> dict[str, Any]:
    """`names` as the sandbox may see them: plain data, and the functions allowed as they are."""
    return {k: v if isinstance(v, Guarded) else plain(v) for k, v in names.items()}


@functools.cache
def _strict_filters() -> dict[str, Callable[..., Any]]:
    """jixiao's filters, each strict about undefined names (made once, shared by every env)."""
    return {name: _strict(function) for name, function in FILTERS.items()}


def _strict(function: Callable[..., Any]) -> Callable[..., Any]:
    """`function` as a filter that raises UndefinedError when given an undefined name."""

    @functools.wraps(function)
    def checked(*args: Any, **kwargs: Any) -> Any:
        for value in (*args, *kwargs.values()):
            if isinstance(value, Undefined):
                value._fail_with_undefined_error()
        result = function(*args, **kwargs)
        if isinstance(result, str):
            _check_size(len(result))
        return result

    return checked
