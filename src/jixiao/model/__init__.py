"""Pydantic models of the content a writer keeps in YAML: the unit, and one year of it."""

from jixiao.model.unit import Institution, Unit
from jixiao.model.year import (
    BasicExpenditure,
    ExpenseLine,
    GeneralBudget,
    Project,
    ProjectExpenditure,
    ProjectGroup,
    Section,
    Staffing,
    Year,
)

__all__ = [
    "BasicExpenditure",
    "ExpenseLine",
    "GeneralBudget",
    "Institution",
    "Project",
    "ProjectExpenditure",
    "ProjectGroup",
    "Section",
    "Staffing",
    "Unit",
    "Year",
]
