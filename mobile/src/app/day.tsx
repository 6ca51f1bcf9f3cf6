export { default } from '@/features/day/day-screen';
