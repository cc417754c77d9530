from django.urls import path

from campaigns.views import dashboard

urlpatterns = [
    path("", dashboard.home, name="home"),
]
