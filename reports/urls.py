from reports import urls_exports, urls_report

app_name = "reports"
urlpatterns = urls_report.patterns + urls_exports.patterns
