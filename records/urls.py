from records import views_blocks, views_moderation, views_requests

app_name = "records"
urlpatterns = [*views_moderation.urlpatterns, *views_blocks.urlpatterns, *views_requests.urlpatterns]
