"""Pydantic models of the content a writer keeps in YAML: the unit, and one year of it."""

from jixiao.model.indicators import (
    Evaluation,
    Indicator,
    IndicatorCategory,
    IndicatorGroup,
    Measure,
)
from jixiao.model.unit import Institution, Unit
from jixiao.model.year import (
    Amounts,
    BasicData,
    BasicExpenditure,
    ExpenseLine,
    GeneralBudget,
    Income,
    KeyProject,
    NamedAmounts,
    Project,
    ProjectExpenditure,
    ProjectGroup,
    Section,
    Staffing,
    Year,
)

__all__ = [
    "Amounts",
    "BasicData",
    "BasicExpenditure",
    "Evaluation",
    "ExpenseLine",
    "GeneralBudget",
    "Income",
    "Indicator",
    "IndicatorCategory",
    "IndicatorGroup",
    "Institution",
    "KeyProject",
    "Measure",
    "NamedAmounts",
    "Project",
    "ProjectExpenditure",
    "ProjectGroup",
    "Section",
    "Staffing",
    "Unit",
    "Year",
]
