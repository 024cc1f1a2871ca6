-- The history each teacher event is worded against is now folded from the teacher's stream, which the append reads anyway
-- for the participants' documents (see TeacherTimelineProjection). The stored copy of it goes.
DROP TABLE teacher_timeline_teachers;
