"""Agreement documents: templates in Markdown, PDFs sealed by the association, acceptances."""
