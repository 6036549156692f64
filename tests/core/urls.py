"""Views that raise the service errors, to test their one translation (core.middleware, core.api)."""

from django.http import HttpResponse
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from core.exceptions import ApplicationError, NotAllowed
from core.views import ServiceActionView


def refuse(request):
    raise NotAllowed("Only the communications department may do this.")


def conflict(request):
    raise ApplicationError("The account is already live.")


@api_view(["POST"])
@permission_classes([AllowAny])
def api_refuse(request):
    raise NotAllowed("Only the communications department may do this.")


@api_view(["POST"])
@permission_classes([AllowAny])
def api_conflict(request):
    raise ApplicationError("The account is already live.")


class Action(ServiceActionView):
    def perform(self, form):
        if self.request.POST.get("refuse"):
            raise NotAllowed("Only the communications department may do this.")
        if self.request.POST.get("fail"):
            raise ApplicationError("The account is already live.")
        return HttpResponse("unused")

    def get_redirect_url(self):
        return "/back/"


urlpatterns = [
    path("refuse/", refuse),
    path("conflict/", conflict),
    path("api/refuse/", api_refuse),
    path("api/conflict/", api_conflict),
    path("action/", Action.as_view(success_message="Done.")),
]
