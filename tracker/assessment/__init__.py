"""The year: the assessment of departments (年度考核) and the 政府信息公开工作年度报告 tables.

- :mod:`yearly`: a year per lead department, with the monthly metrics' own definitions
  (a year is the sum of its months) and the monthly report's red flags;
- :mod:`disclosure`: table 三 (收到和处理政府信息公开申请情况) from the disclosure ledger,
  every cell keeping the ids of the entries it counts;
- :mod:`remedies`: table 四 (行政复议、行政诉讼), entered by staff;
- :mod:`html`, :mod:`xlsx`: the page fragment, the PDF and the workbooks.
"""

from tracker.assessment.disclosure import (
    COLUMNS,
    NATURAL,
    ORGANISATIONS,
    ROW_BY_KEY,
    ROW_OF_TYPE,
    ROWS,
    CellEntry,
    DisclosureTable,
    Row,
    Unmapped,
    cell_entries,
    disclosure_table,
)
from tracker.assessment.html import render_fragment, render_html, render_pdf
from tracker.assessment.remedies import (
    PROCEEDINGS,
    RESULTS,
    RemedyError,
    RemedyTable,
    field_name,
    parse_counts,
    remedy_table,
    save_remedies,
)
from tracker.assessment.xlsx import disclosure_workbook, year_workbook
from tracker.assessment.yearly import (
    Assessment,
    DepartmentYear,
    assess,
    assess_year,
    flag_counts,
    year_period,
)

__all__ = [
    "COLUMNS", "NATURAL", "ORGANISATIONS", "PROCEEDINGS", "RESULTS", "ROWS", "ROW_BY_KEY",
    "ROW_OF_TYPE", "Assessment", "CellEntry", "DepartmentYear", "DisclosureTable",
    "RemedyError", "RemedyTable", "Row", "Unmapped", "assess", "assess_year", "cell_entries",
    "disclosure_table", "disclosure_workbook", "field_name", "flag_counts", "parse_counts",
    "remedy_table", "render_fragment", "render_html", "render_pdf", "save_remedies",
    "year_period", "year_workbook",
]
