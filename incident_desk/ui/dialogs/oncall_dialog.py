"""The on-call schedule of a team: who is on call now and next, a strip of coming shifts, rotations, overrides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QDateTime, QRectF, Qt, Signal, Slot
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from incident_desk.domain.formatting import local, time_brief
from incident_desk.domain.incident import DomainError
from incident_desk.domain.oncall import format_days, format_hours
from incident_desk.ui import focus, theme
from incident_desk.ui.i18n import translate
from incident_desk.ui.ops import ops_for
from incident_desk.ui.people import PeopleDirectory, PersonCombo
from incident_desk.ui.plain import plain_label, tooltip

STRIP_DAYS = 14


class ShiftStrip(QWidget):
    """The coming days as a band: one block per shift in the person's colour, with their name; overrides
    in the accent colour; gaps (nobody on call) left empty; a line for now."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setMinimumHeight(64)
        self.start = datetime.now(UTC)
        self.shifts: list = []
        self.names: dict[str, str] = {}
        self.colors: dict[str, int] = {}
        self.setAccessibleName(translate("OncallDialog", "Coming shifts"))

    def set_shifts(self, start: datetime, shifts: list, names: dict[str, str]) -> None:
        self.start, self.shifts, self.names = start, shifts, names
        for shift in shifts:
            self.colors.setdefault(shift.user, len(self.colors))
        override = translate("OncallDialog", "{who} (override)")
        self.setToolTip(tooltip("\n".join(
            f"{time_brief(s.start)} – {time_brief(s.end)}: "
            + (override.format(who=names.get(s.user, s.user)) if s.override else names.get(s.user, s.user))
            for s in shifts[:40])))
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802  (Qt override)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width, height = self.width() - 2, self.height()
        span = timedelta(days=STRIP_DAYS).total_seconds()
        band_top, band_height = 20.0, height - 24.0
        muted = theme.muted_text_color()

        def x_of(at: datetime) -> float:
            return 1 + max(0.0, min(1.0, (at - self.start).total_seconds() / span)) * width

        painter.setPen(QPen(muted))
        first = local(self.start).replace(hour=0, minute=0, second=0, microsecond=0)
        for day in range(STRIP_DAYS + 1):
            at = first + timedelta(days=day)
            x = x_of(at)
            if x <= 1 or x >= width:
                continue
            painter.drawLine(int(x), 14, int(x), height - 2)
            if day < STRIP_DAYS:
                painter.drawText(QRectF(x + 3, 0, 80, 16), Qt.AlignmentFlag.AlignLeft, at.strftime("%a %d"))
        for shift in self.shifts:
            left, right = x_of(shift.start), x_of(shift.end)
            if right - left < 1:
                continue
            fill = theme.accent_color() if shift.override else theme.person_color(self.colors[shift.user])
            rect = QRectF(left, band_top, right - left - 1, band_height)
            painter.fillRect(rect, fill)
            painter.setPen(QPen(theme.text_on(fill)))
            name = self.names.get(shift.user, shift.user)
            if shift.override:
                name = translate("OncallDialog", "{who} (override)").format(who=name)
            painter.drawText(rect.adjusted(4, 0, -2, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             painter.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, int(rect.width()) - 6))
        painter.setPen(QPen(theme.tone("error")[2], 2))
        now_x = x_of(self.start)
        painter.drawLine(int(now_x), int(band_top) - 4, int(now_x), height - 2)
        painter.end()


class RotationDialog(QDialog):
    """Add or replace a team's rotation: people in order, handoff interval, first handoff, zone, restriction."""

    def __init__(self, team: str, current=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("OncallDialog", "Rotation of {team}").format(team=team))
        form = QFormLayout()
        self.name = QLineEdit(current.name if current else "primary", self)
        self.users = QLineEdit(", ".join(current.users) if current else "", self)
        self.users.setPlaceholderText(translate("OncallDialog", "account names in order, e.g. ann, bob, carol"))
        self.every = QLineEdit(f"{current.every}{current.unit[0]}" if current else "1w", self)
        self.start = QLineEdit(current.start.strftime("%Y-%m-%dT%H:%M") if current else
                               datetime.now().strftime("%Y-%m-%dT09:00"), self)
        self.tz = QLineEdit(current.tz if current else "UTC", self)
        self.days = QLineEdit((format_days(current.days) or "") if current else "", self)
        self.days.setPlaceholderText(translate("OncallDialog", "every day, or e.g. mon-fri"))
        self.hours = QLineEdit((format_hours(current.hours) or "") if current else "", self)
        self.hours.setPlaceholderText(translate("OncallDialog", "all day, or e.g. 09:00-17:00"))
        for label, field in ((translate("OncallDialog", "&Name"), self.name),
                             (translate("OncallDialog", "&People"), self.users),
                             (translate("OncallDialog", "Handoff &every"), self.every),
                             (translate("OncallDialog", "First &handoff (local)"), self.start),
                             (translate("OncallDialog", "Time &zone"), self.tz),
                             (translate("OncallDialog", "&Days"), self.days),
                             (translate("OncallDialog", "H&ours"), self.hours)):
            form.addRow(label, field)
        self.error = plain_label("", self)
        theme.style(self.error, "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def values(self) -> dict:
        return dict(name=self.name.text().strip(), users=[u.strip() for u in self.users.text().split(",") if u.strip()],
                    every=self.every.text(), start=self.start.text(), tz=self.tz.text().strip(),
                    days=self.days.text() or None, hours=self.hours.text() or None)


class OverrideDialog(QDialog):
    """Someone covers the team from one time to another."""

    def __init__(self, team: str, people: PeopleDirectory, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(translate("OncallDialog", "Override for {team}").format(team=team))
        self.person = PersonCombo(people, placeholder=translate("OncallDialog", "Who covers"), parent=self)
        now = QDateTime.currentDateTime()
        self.start = QDateTimeEdit(now, self)
        self.end = QDateTimeEdit(now.addSecs(8 * 3600), self)
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        form = QFormLayout()
        form.addRow(translate("OncallDialog", "&Who"), self.person)
        form.addRow(translate("OncallDialog", "&From"), self.start)
        form.addRow(translate("OncallDialog", "&To"), self.end)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> tuple[str, datetime, datetime]:
        def aware(edit: QDateTimeEdit) -> datetime:
            return edit.dateTime().toPython().astimezone().astimezone(UTC)
        return self.person.username(), aware(self.start), aware(self.end)


class OncallDialog(QDialog):
    """Per team: on call now and next, the coming two weeks, the rotations and overrides (leads edit)."""

    sig_changed = Signal()

    def __init__(self, desk, parent: QWidget | None = None, *, team: str | None = None):
        super().__init__(parent)
        self.desk = desk
        self.ops = ops_for(desk)
        self.setWindowTitle(translate("OncallDialog", "On-call schedule"))
        self.resize(900, 620)
        # One read of the people and the teams (on the desk's network reader on PostgreSQL).
        self.people, teams = self.ops.run_read(lambda: (PeopleDirectory.of(desk), desk.users.team_names()))
        self.can_edit = desk.actor.can("oncall.manage")
        self.team = QComboBox(self)
        self.team.addItems(sorted(teams, key=str.lower))
        if team:
            self.team.setCurrentText(team)
        self.team.setAccessibleName(translate("OncallDialog", "Team"))
        self.now_label = plain_label("", self)
        self.next_label = plain_label("", self)
        for label in (self.now_label, self.next_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.now_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.now_label.setFont(font)
        self.strip = ShiftStrip(self)
        self.shifts = self._table((translate("OncallDialog", "Who"), translate("OncallDialog", "From"),
                                   translate("OncallDialog", "To"), translate("OncallDialog", "How")))
        self.shifts.setAccessibleName(translate("OncallDialog", "Coming shifts"))
        self.rotations = QListWidget(self)
        self.rotations.setAccessibleName(translate("OncallDialog", "Rotations"))
        self.rotations.setWordWrap(True)
        self.rotations.setSpacing(3)
        self.rotations.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.overrides = self._table((translate("OncallDialog", "Who"), translate("OncallDialog", "From"),
                                      translate("OncallDialog", "To")))
        self.overrides.setAccessibleName(translate("OncallDialog", "Overrides"))
        self.add_rotation = QPushButton(translate("OncallDialog", "&Add or change rotation…"), self)
        self.remove_rotation = QPushButton(translate("OncallDialog", "Remove rotation"), self)
        self.add_override = QPushButton(translate("OncallDialog", "Add &override…"), self)
        self.remove_override = QPushButton(translate("OncallDialog", "Remove override"), self)
        for button in (self.add_rotation, self.remove_rotation, self.add_override, self.remove_override):
            button.setEnabled(self.can_edit)
        self.hint = plain_label("" if self.can_edit else translate("OncallDialog",
                "Only leads change rotations and overrides."), self)
        theme.style(self.hint, "hint")
        self.error = plain_label("", self)
        theme.style(self.error, "error")
        self._build()
        self.team.currentTextChanged.connect(self._on_reload)
        self.add_rotation.clicked.connect(self._on_add_rotation)
        self.remove_rotation.clicked.connect(self._on_remove_rotation)
        self.add_override.clicked.connect(self._on_add_override)
        self.remove_override.clicked.connect(self._on_remove_override)
        self._rotations: list = []
        self._overrides: list[dict] = []
        self._on_reload()

    def _table(self, headers) -> QTableWidget:
        table = QTableWidget(0, len(headers), self)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setTabKeyNavigation(False)  # the arrows move between rows; Tab leaves the table
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        return table

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel(translate("OncallDialog", "&Team"), self))
        top.itemAt(0).widget().setBuddy(self.team)
        top.addWidget(self.team, 1)
        top.addStretch(2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.now_label)
        layout.addWidget(self.next_label)
        layout.addWidget(plain_label(translate("OncallDialog",
                                               "The next {strip_days} days").format(strip_days=STRIP_DAYS), self))
        layout.addWidget(self.strip)
        lower = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(plain_label(translate("OncallDialog", "Coming shifts"), self))
        left.addWidget(self.shifts)
        right = QVBoxLayout()
        right.addWidget(plain_label(translate("OncallDialog", "Rotations"), self))
        right.addWidget(self.rotations)
        row = QHBoxLayout()
        row.addWidget(self.add_rotation)
        row.addWidget(self.remove_rotation)
        right.addLayout(row)
        right.addWidget(plain_label(translate("OncallDialog", "Overrides"), self))
        right.addWidget(self.overrides)
        row = QHBoxLayout()
        row.addWidget(self.add_override)
        row.addWidget(self.remove_override)
        right.addLayout(row)
        lower.addLayout(left, 3)
        lower.addLayout(right, 2)
        layout.addLayout(lower, 1)
        layout.addWidget(self.hint)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # Tab down the right column as it reads: each list, then the buttons under it.
        focus.chain(self.rotations, self.add_rotation, self.remove_rotation, self.overrides, self.add_override,
                    self.remove_override)

    # ---- reading -------------------------------------------------------------------------------------

    @Slot()
    def _on_reload(self) -> None:
        team = self.team.currentText()
        if not team:
            self.now_label.setText(translate("OncallDialog",
                                             "There are no teams yet; add one with `incident-desk users add --team`."))
            return
        oncall = self.desk.oncall
        now = self.desk.clock().astimezone(UTC)

        def read():
            shifts = oncall.schedule(team, now, now + timedelta(days=STRIP_DAYS))
            return (oncall.rotations(team), oncall.overrides(team, start=now), shifts,
                    oncall.names([s.user for s in shifts]))
        try:
            self._rotations, self._overrides, shifts, names = self.ops.run_read(read)
        except DomainError as exc:
            self.error.setText(str(exc))
            return
        self.error.setText("")
        name = self.people.name
        current = shifts[0] if shifts and shifts[0].start <= now else None
        upcoming = next((s for s in shifts if s.start > now), None)
        if current:
            who = name(current.user)
            if current.override:
                who = translate("OncallDialog", "{who} (override)").format(who=who)
            self.now_label.setText(translate("OncallDialog", "On call now: {who}, until {time}").format(
                who=who, time=time_brief(current.end)))
        else:
            self.now_label.setText(translate("OncallDialog", "Nobody is on call now.") if self._rotations else
                                   translate("OncallDialog", "Nobody is on call now: the team has no rotation."))
        self.next_label.setText(translate("OncallDialog", "Next: {name} from {time_brief}").format(name=name(
                upcoming.user), time_brief=time_brief(upcoming.start)) if upcoming
                                else translate("OncallDialog",
                                               "Nobody is on call in the next two weeks.") if not current else "")
        self.strip.set_shifts(now, shifts, {s.user: name(s.user) for s in shifts})
        self._fill(self.shifts, [(name(s.user), time_brief(s.start), time_brief(s.end),
                                  "override" if s.override else translate("OncallDialog",
                                          "rotation {rotation}").format(rotation=s.rotation)) for s in shifts])
        self.rotations.clear()
        for r in self._rotations:
            where = ", ".join(p for p in (format_days(r.days), format_hours(
                    r.hours)) if p) or translate("OncallDialog", "all the time")
            unit = r.unit[:-1] if r.every == 1 else f"{r.every} {r.unit}"
            self.rotations.addItem(translate("OncallDialog",
                                             "{name}: {people}; handoff every {unit} from {start:%Y-%m-%d %H:%M} {tz}; "
                                             "{where}").format(name=r.name, people=", ".join(name(u) for u in r.users),
                    unit=unit, start=r.start, tz=r.tz, where=where))
        self._fill(self.overrides, [(name(o["user"]), time_brief(o["from"]), time_brief(o["to"]))
                                    for o in self._overrides])

    def _fill(self, table: QTableWidget, rows: list[tuple]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(str(value)))

    # ---- changing (leads) ----------------------------------------------------------------------------

    def _write(self, fn) -> bool:
        try:
            self.ops.run_write(fn)
        except DomainError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        self._on_reload()
        self.sig_changed.emit()
        return True

    @Slot()
    def _on_add_rotation(self) -> None:
        team = self.team.currentText()
        row = self.rotations.currentRow()
        current = self._rotations[row] if 0 <= row < len(self._rotations) else None
        dialog = RotationDialog(team, current, self)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            values = dialog.values()
            try:
                self.ops.run_write(lambda v=values: self.desk.oncall.set_rotation(actor=self.desk.actor, team=team,
                                                                                  **v))
            except DomainError as exc:
                dialog.error.setText(str(exc))
                continue
            self._on_reload()
            self.sig_changed.emit()
            return

    @Slot()
    def _on_remove_rotation(self) -> None:
        row = self.rotations.currentRow()
        if 0 <= row < len(self._rotations):
            name, team = self._rotations[row].name, self.team.currentText()
            self._write(lambda: self.desk.oncall.remove_rotation(actor=self.desk.actor, team=team, name=name))

    @Slot()
    def _on_add_override(self) -> None:
        team = self.team.currentText()
        dialog = OverrideDialog(team, self.people, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            user, start, end = dialog.values()
            self._write(lambda: self.desk.oncall.add_override(actor=self.desk.actor, team=team, user=user,
                                                              start=start, end=end))

    @Slot()
    def _on_remove_override(self) -> None:
        row = self.overrides.currentRow()
        if 0 <= row < len(self._overrides):
            override_id, team = self._overrides[row]["id"], self.team.currentText()
            self._write(lambda: self.desk.oncall.remove_override(actor=self.desk.actor, team=team,
                                                                 override_id=override_id))
