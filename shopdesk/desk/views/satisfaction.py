"""The customer's CSAT page, from the link in the "how did we do?" email: the rating is preselected,
one press records it (a GET never does: mail scanners open links too), with an optional comment."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from shopdesk.core.errors import InvalidInput, NotFound
from shopdesk.desk.enums import SatisfactionRating
from shopdesk.desk.services.satisfaction import satisfaction_answer, satisfaction_for_token


def satisfaction(request: HttpRequest, token: str) -> HttpResponse:
    try:
        survey = satisfaction_for_token(token=token)
    except NotFound:
        raise Http404("This link is not valid.") from None
    context = {"survey": survey, "ratings": SatisfactionRating.choices, "error": ""}
    if request.method == "POST":
        try:
            satisfaction_answer(
                token=token, rating=request.POST.get("rating", ""), comment=request.POST.get("comment", "")
            )
        except InvalidInput as exc:
            context["error"] = exc.message
            context["chosen"] = ""
            return render(request, "desk/csat.html", context, status=422)
        return render(request, "desk/csat_thanks.html", {"reference": survey.ticket.reference})
    context["chosen"] = request.GET.get("rating", survey.rating)
    return render(request, "desk/csat.html", context)
