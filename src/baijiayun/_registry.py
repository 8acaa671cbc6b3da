"""The registry: every group, endpoint and derived method, found in one place.

It is built from the client's list of groups (the annotations of
``baijiayun.api.Groups``), not filled by import side effects, and it refuses
duplicates (two endpoints on one path, two groups under one name) when it is
built, that is at import. The clients, the sandbox router, the reference and
coverage docs and the tests all read it.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ._endpoint import Endpoint
from ._group import ComposedMethod, DerivedMethod, EndpointMethod, Group, PageMethod

__all__ = ["GroupInfo", "Registry", "RegistryError"]


class RegistryError(TypeError):
    """Two declarations claim one name or path."""


@dataclass(frozen=True)
class GroupInfo:
    """One endpoint group as the clients expose it."""

    name: str
    cls: type[Group[Any]]
    attributes: tuple[str, ...]
    """The client attributes that give it: its name first, then aliases (``videoaccount``)."""
    methods: tuple[EndpointMethod[Any, Any], ...]
    derived: tuple[DerivedMethod, ...]

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        """The group's endpoints, in declaration order (each declared at first use)."""
        return tuple(method.spec for method in self.methods)

    @property
    def prefix(self) -> str:
        return self.cls.prefix

    @property
    def aliases(self) -> tuple[str, ...]:
        return self.attributes[1:]


def derived_kind(method: DerivedMethod) -> str:
    """``pages`` or ``compose``: what a derived method does with its endpoint."""
    if isinstance(method, PageMethod):
        return "pages"
    if isinstance(method, ComposedMethod):
        return "compose"
    return str(getattr(method, "kind", type(method).__name__))


class Registry:
    """Groups by name, endpoints by ``group.method`` and by path."""

    def __init__(self, groups_class: type, classes: dict[str, type] | None = None) -> None:
        """``classes``: the group classes by name, for the annotations of ``groups_class``."""
        self.groups: dict[str, GroupInfo] = {}
        self._by_qualname: dict[str, EndpointMethod[Any, Any]] = {}
        self._by_path: dict[str, EndpointMethod[Any, Any]] = {}
        attrs_of: dict[type[Group[Any]], list[str]] = {}
        hints = typing.get_type_hints(groups_class, localns=classes)
        for attr, hint in hints.items():
            cls = typing.get_origin(hint) or hint
            if isinstance(cls, type) and issubclass(cls, Group):
                attrs_of.setdefault(cls, []).append(attr)
        for cls, attrs in attrs_of.items():
            if cls.group_name not in attrs:
                raise RegistryError(f"group {cls.group_name!r} must be an attribute of the client")
            attrs.remove(cls.group_name)
            self._add_group(cls, (cls.group_name, *attrs))

    def _add_group(self, cls: type[Group[Any]], attributes: tuple[str, ...]) -> None:
        if cls.group_name in self.groups:
            raise RegistryError(f"two groups are named {cls.group_name!r}")
        endpoints: list[EndpointMethod[Any, Any]] = []
        derived: list[DerivedMethod] = []
        # A method under two attribute names (an alias) is one method.
        for method in {id(m): m for m in cls.methods.values()}.values():
            if isinstance(method, EndpointMethod):
                pairs = ((self._by_qualname, method.qualname), (self._by_path, method.path))
                for index, key in pairs:
                    if key in index:
                        raise RegistryError(f"{key} is declared twice")
                    index[key] = method
                endpoints.append(method)
            elif isinstance(method, DerivedMethod):
                derived.append(method)
        self.groups[cls.group_name] = GroupInfo(
            cls.group_name, cls, attributes, tuple(endpoints), tuple(derived)
        )

    # ---- look-ups
    def __iter__(self) -> Iterator[Endpoint]:
        """Every endpoint, group by group in declaration order."""
        for info in self.groups.values():
            yield from info.endpoints

    def __len__(self) -> int:
        return len(self._by_qualname)

    def __getitem__(self, name: str) -> Endpoint:
        """An endpoint by ``group.method`` (a group alias works too) or by path."""
        if name.startswith("/"):
            return self._by_path[name].spec
        group, _, method = name.partition(".")
        for info in self.groups.values():
            if group in info.attributes:
                return self._by_qualname[f"{info.name}.{method}"].spec
        raise KeyError(name)

    def get(self, name: str) -> Endpoint | None:
        try:
            return self[name]
        except KeyError:
            return None

    def by_path(self, path: str) -> Endpoint | None:
        method = self._by_path.get(path)
        return None if method is None else method.spec

    def knows_path(self, path: str) -> bool:
        """Whether an endpoint has ``path`` (without declaring it)."""
        return path in self._by_path
