"""From computed figures to a .docx: render context, WordprocessingML helpers, docxtpl."""
