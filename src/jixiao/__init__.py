"""jixiao — 部门整体支出绩效自评报告 from YAML: load, validate, compute, check, render."""

__version__ = "0.1.0"
