from accounts.imports.reading import COLUMNS
from core.tables import TableUploadForm


class ImportUploadForm(TableUploadForm):
    """Upload the spreadsheet of existing accounts. A valid form has read the file:
    cleaned_data["table"] holds its rows (accounts.imports.Table)."""

    columns = COLUMNS
