"""A command-line mistake said in the user's language, as jixiao says everything else.

Click (the copy inside typer) words its usage errors in English and from pydantic's
validation messages ("Input should be a valid integer…"). Here each kind of mistake is
said from what the exception knows (the parameter, its type and limits, the option, the
command): what is wrong, the parameter's own help, the usage line and where the help is.
A mistake of a kind not known here keeps click's words, inside jixiao's sentence.
"""

from __future__ import annotations

import ast
import difflib
import os
import re
from typing import Any

from jixiao import messages
from jixiao.messages import listing, say


def is_usage_error(exc: BaseException) -> bool:
    """Whether `exc` is a command-line mistake (click's, or the copy of click in typer)."""
    return _named(exc, "ClickException")


def shows_help(exc: BaseException) -> bool:
    """Whether `exc` is click's "no arguments: show the help", which is not a mistake."""
    return _named(exc, "NoArgsIsHelpError")


def explain(exc: Any) -> str:
    """The lines telling what is wrong with the command line of `exc` and how to go on,
    in the language `--lang` chose (read from the command line if the mistake came first)."""
    ctx = getattr(exc, "ctx", None)
    _choose_language(ctx)
    lines = [say("usage_error", problem=_problem(exc, ctx))]
    param = getattr(exc, "param", None)
    described = getattr(param, "help", None)
    if described and messages.language() == "zh":  # the commands' help is written in Chinese
        lines.append(say("usage_param_help", help=described))
    if ctx is not None:
        usage = ctx.get_usage().strip()
        usage = usage.split(":", 1)[1].strip() if usage.startswith("Usage:") else usage
        lines.append(say("usage_line", usage=usage))
        lines.append(say("usage_try_help", command=ctx.command_path))
    return "\n".join(lines)


def _problem(exc: Any, ctx: Any) -> str:
    """One sentence: what is wrong."""
    param = getattr(exc, "param", None)
    if _named(exc, "MissingParameter") and param is not None:
        return say("usage_missing", name=_name(param))
    if _named(exc, "BadParameter") and param is not None:
        expected = _expected(param)
        where = _from_environment(param, ctx)
        if expected is None:
            return say("usage_bad_value_detail", name=_name(param), where=where, detail=exc.message)
        return say("usage_bad_value", name=_name(param), expected=expected, where=where)
    if _named(exc, "NoSuchOption"):
        return _no_option(exc.option_name, ctx)
    message = str(getattr(exc, "message", exc))
    if _named(exc, "BadOptionUsage"):
        if "does not take a value" in message:
            return say("usage_flag_value", option=exc.option_name)
        if "requires an argument" in message:
            return say("usage_option_needs_value", option=exc.option_name)
    unknown = _UNKNOWN_COMMAND.match(message)
    if unknown and ctx is not None:  # click quotes the name as repr() does: ren'der in "…"
        return _no_command(ast.literal_eval(unknown.group(1)), ctx)
    extra = re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)$", message)
    if extra:
        return say("usage_extra", extra=extra.group(1))
    return say("usage_other", detail=message)


_UNKNOWN_COMMAND = re.compile(r"""No such command ('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")""")
"""Click's message for an unknown command, the name as its repr() (either quote)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _shown(text: str) -> str:
    """`text` typed by the user, its control characters written out (\\x1b), as click does."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m[0]):02x}", text)


def _no_option(option: str, ctx: Any) -> str:
    """No such option; the command's option closest to it offered, if one is close (click's
    own guess offers `--out` for `--nosuch`)."""
    root = ctx.find_root() if ctx is not None and ctx.parent is not None else None
    name = option.split("=", 1)[0]
    if re.fullmatch(r"-\d", name):  # render -2023: click reads the options -2, -0, …
        return say("usage_negative", option=name)
    if root is not None and name in _options(root.command):  # `render 2023 --lang en`
        return say("usage_option_before_command", option=name, command=ctx.info_name)
    options = _options(getattr(ctx, "command", None))
    lowered = {o.lower(): o for o in options}
    close = difflib.get_close_matches(option.lower(), list(lowered), n=1, cutoff=0.7)
    if close:
        return say("usage_no_option_close", option=_shown(option), close=lowered[close[0]])
    return say("usage_no_option", option=_shown(option))


def _options(command: Any) -> list[str]:
    """The option names of a command (`--unit`, `--no-force`)."""
    params = getattr(command, "params", [])
    return [o for p in params for o in [*p.opts, *p.secondary_opts] if o.startswith("-")]


def _no_command(name: str, ctx: Any) -> str:
    """No such command; the closest one offered if it is close (at 0.5 `nosuch` offered
    `schema`, `list` offered `init`), else all of them."""
    commands = list(ctx.command.list_commands(ctx))
    close = difflib.get_close_matches(name, commands, n=1, cutoff=0.7)
    if close:
        return say("usage_no_command_close", command=_shown(name), close=close[0])
    return say("usage_no_command", command=_shown(name), commands=listing(commands))


def _name(param: Any) -> str:
    """The parameter as the user typed it: `--unit-timeout`, or `year` for an argument."""
    opts = [o for o in getattr(param, "opts", []) if o.startswith("--")]
    if getattr(param, "param_type_name", "") == "option" and opts:
        return say("usage_option_name", name=opts[0])
    return say("usage_argument_name", name=param.name)


def _expected(param: Any) -> str | None:
    """What the parameter takes, from its annotation and limits; None if not known here."""
    descriptor = getattr(param, "type_descriptor", None)
    annotation = getattr(descriptor, "annotation", None)
    info = getattr(descriptor, "parameter_info", None)
    low, high = getattr(info, "min", None), getattr(info, "max", None)
    if annotation is int or annotation is float:
        number = say("usage_expect_int") if annotation is int else say("usage_expect_number")
        if low is not None and high is not None:
            return say("usage_expect_between", number=number, low=low, high=high)
        if low is not None:
            return say("usage_expect_at_least", number=number, low=low)
        if high is not None:
            return say("usage_expect_at_most", number=number, high=high)
        return number
    choices = [getattr(c, "value", c) for c in getattr(annotation, "__members__", {}).values()]
    if choices:
        return say("usage_expect_choice", choices=listing(str(c) for c in choices))
    return None


def _from_environment(param: Any, ctx: Any) -> str:
    """ "(from the environment variable …)" when the bad value came from one, else ""."""
    source = getattr(ctx, "get_parameter_source", lambda _name: None)(param.name)
    if getattr(source, "name", None) != "ENVIRONMENT":
        return ""
    names = getattr(param, "envvar", None)
    names = [names] if isinstance(names, str) else list(names or [])
    found = [n for n in names if os.environ.get(n)]
    return say("usage_from_environment", name=found[0]) if found else ""


def _choose_language(ctx: Any) -> None:
    """A mistake met before the options' callback ran (an unknown command) still honours
    `--lang` when the command line gave it."""
    root = ctx.find_root() if ctx is not None else None
    lang = getattr(root, "params", {}).get("lang") if root is not None else None
    if lang is not None and str(lang) in messages.LANGS:
        messages.set_language(str(lang))


def _named(exc: BaseException, name: str) -> bool:
    return any(kind.__name__ == name for kind in type(exc).__mro__)
