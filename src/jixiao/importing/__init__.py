"""`jixiao import`: read a unit's existing Word report and write the content YAML that renders it.

The steps, one module each: outline (the .docx as paragraphs and tables), headings (which
paragraphs are headings, at what level), choose (which kind), structure (the content mapping),
figures (figures lifted from prose and linked back), writing (the commented YAML files).
"""
