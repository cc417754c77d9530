from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal.tenancy import member_required


@member_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "dashboard/home.html", {})
