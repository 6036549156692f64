from django.urls import path

from monitoring import views, views_cover

app_name = "monitoring"
urlpatterns = [
    path("today/", views.TodayView.as_view(), name="today"),
    path("ping/<str:token>/", views.PingView.as_view(), name="ping"),
    path("accounts/<int:pk>/monitoring/", views.AccountMonitoringView.as_view(), name="account"),
    path("accounts/<int:pk>/monitoring/ping-rotate/", views.PingRotateView.as_view(), name="ping-rotate"),
    path("accounts/<int:pk>/monitoring/follow-up/", views.FollowUpCreateView.as_view(), name="follow-up"),
    path("accounts/<int:pk>/monitoring/cover/", views_cover.CoverView.as_view(), name="cover"),
    path("covers/<int:pk>/cancel/", views_cover.CoverCancelView.as_view(), name="cover-cancel"),
    path("follow-ups/<int:pk>/acknowledge/", views.FollowUpAcknowledgeView.as_view(), name="follow-up-ack"),
    path("absences/", views.AbsenceView.as_view(), name="absences"),
    path("absences/<int:pk>/delete/", views.AbsenceDeleteView.as_view(), name="absence-delete"),
    path("compliance/", views.ComplianceOverviewView.as_view(), name="overview"),
]
